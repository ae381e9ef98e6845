import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabelChange } from '../../../../protocol/contract.js';
import { CELL_CORRECTION_RGB, colormapColor, MEMBRANE_CORRECTION_RGB } from '../paint/overlayColors.js';
import type { OverlayStyle } from '../paint/overlayLut.js';
import type { OverlayLayers } from '../project/ProjectSession.svelte.js';
import { PixelCanvas, usePixelCanvases } from '../testing/pixelCanvas.js';
import { CorrectionLayer, type CorrectionSource } from './CorrectionLayer.js';
import type { DrawContext, LayerView } from './Layer.js';
import { PredictionLayer } from './PredictionLayer.js';

let restore: () => void;
beforeAll(() => (restore = usePixelCanvases()));
afterAll(() => restore());

const WIDTH = 6;
const HEIGHT = 5;
const VIEW: LayerView = { z: 2, scale: 1, offsetX: 0, offsetY: 0, width: WIDTH, height: HEIGHT, visible: { x0: 0, y0: 0, x1: WIDTH, y1: HEIGHT } };
const TRANSPARENT = [0, 0, 0, 0];

/** A project's overlay as the layers read it: one slice, a style, pixel changes handed over once. */
function overlay(layers: OverlayLayers, overrides: Partial<OverlayStyle> = {}) {
  const state = {
    layers,
    style: { showPrediction: true, mode: 'probability', threshold: 128, opacity: 0.5, colormap: 'magenta', showCorrections: true, correctionOpacity: 0.4, ...overrides } as OverlayStyle,
    revision: 0,
    changes: 'all' as LabelChange[] | 'all',
  };
  const source: CorrectionSource = {
    open: () => true,
    z: () => state.layers.z,
    layers: (z) => (z === state.layers.z ? state.layers : null),
    revision: () => state.revision,
    style: () => state.style,
    takeChanges: () => {
      const changes = state.changes;
      state.changes = [];
      return changes;
    },
    setShown: () => {},
    setOpacity: () => {},
  };
  return { state, source };
}

function slice(prediction: Uint8Array | null, labels: Uint8Array): OverlayLayers {
  return { z: 2, width: WIDTH, height: HEIGHT, prediction, labels };
}

/** Draws a layer onto a fresh canvas, as the stack does (its alpha set to the layer's opacity). */
function drawn(layer: PredictionLayer | CorrectionLayer): PixelCanvas {
  const canvas = new PixelCanvas(WIDTH, HEIGHT);
  const context = canvas.getContext('2d');
  context.globalAlpha = layer.opacity;
  layer.draw(context as unknown as DrawContext, VIEW);
  return canvas;
}

/** The offscreen canvas the layer rendered into (what it drew onto the view). */
function surfaceOf(canvas: PixelCanvas): PixelCanvas {
  return canvas.draws.at(-1)!.source as PixelCanvas;
}

describe('PredictionLayer', () => {
  it('renders the probability in the colour map at full strength and leaves the opacity to its alpha', () => {
    const prediction = Uint8Array.from({ length: WIDTH * HEIGHT }, (_, i) => (i * 37) % 256);
    const { source } = overlay(slice(prediction, new Uint8Array(0)), { colormap: 'magma', opacity: 0.5 });
    const layer = new PredictionLayer(source);
    const canvas = drawn(layer);
    expect(layer.opacity).toBe(0.5);
    expect(canvas.draws).toHaveLength(1);
    expect(canvas.draws[0]).toMatchObject({ alpha: 0.5, smoothing: false, x: 0, y: 0 });
    for (const i of [0, 7, 29]) expect(canvas.rgba(i % WIDTH, Math.floor(i / WIDTH))).toEqual([...colormapColor('magma', prediction[i]!), prediction[i]]);
  });

  it('shows a hard mask at the top colour in threshold mode', () => {
    const prediction = new Uint8Array(WIDTH * HEIGHT);
    prediction.set([0, 127, 128, 255]);
    const { source } = overlay(slice(prediction, new Uint8Array(0)), { mode: 'threshold', threshold: 128, colormap: 'magma' });
    const canvas = drawn(new PredictionLayer(source));
    expect([0, 1, 2, 3].map((x) => canvas.rgba(x, 0))).toEqual([TRANSPARENT, TRANSPARENT, [222, 73, 104, 255], [222, 73, 104, 255]]);
  });

  it('renders again only when the prediction or its colours change, not for an opacity or a repaint', () => {
    const prediction = new Uint8Array(WIDTH * HEIGHT).fill(200);
    const { state, source } = overlay(slice(prediction, new Uint8Array(0)));
    const layer = new PredictionLayer(source);
    const surface = surfaceOf(drawn(layer));
    const puts = surface.puts.length;
    state.style = { ...state.style, opacity: 0.9 };
    drawn(layer);
    expect(surface.puts).toHaveLength(puts);
    state.style = { ...state.style, colormap: 'violet' };
    const canvas = drawn(layer);
    expect(surface.puts.length).toBeGreaterThan(puts);
    expect(canvas.rgba(3, 3)).toEqual([...colormapColor('violet', 200), 200]);
  });

  it('draws nothing for a slice with no prediction', () => {
    const { source } = overlay(slice(null, new Uint8Array(0)));
    expect(drawn(new PredictionLayer(source)).draws).toEqual([]);
  });
});

describe('CorrectionLayer', () => {
  it('renders membrane and cell in their colours at full strength; unlabelled and unknown values stay transparent', () => {
    const labels = new Uint8Array(WIDTH * HEIGHT);
    labels.set([0, 1, 2, 7]);
    const { source } = overlay(slice(null, labels), { correctionOpacity: 0.4 });
    const layer = new CorrectionLayer(source);
    const canvas = drawn(layer);
    expect(canvas.draws[0]).toMatchObject({ alpha: 0.4, smoothing: false });
    expect([0, 1, 2, 3].map((x) => canvas.rgba(x, 0))).toEqual([TRANSPARENT, [...MEMBRANE_CORRECTION_RGB, 255], [...CELL_CORRECTION_RGB, 255], TRANSPARENT]);
  });

  it('after the first render puts only the box around changed pixels, and ignores changes of other slices', () => {
    const labels = new Uint8Array(WIDTH * HEIGHT);
    const { state, source } = overlay(slice(null, labels));
    const layer = new CorrectionLayer(source);
    const surface = surfaceOf(drawn(layer));
    expect(surface.puts).toEqual([`${WIDTH}×${HEIGHT} at 0,0`]);
    // A stroke over (2,1), (3,1), (2,2), (3,3) in shuffled order; (5,4) also changes in the
    // buffer but is not reported, so it must not be drawn yet.
    const indices = Uint32Array.from([21, 14, 9, 8]);
    for (const i of indices) labels[i] = 1;
    labels[29] = 2;
    state.changes = [
      { z: 2, indices, values: new Uint8Array(4).fill(1) },
      { z: 5, indices: Uint32Array.from([0]), values: Uint8Array.from([2]) },
    ];
    state.revision++;
    const canvas = drawn(layer);
    expect(surface.puts.slice(1)).toEqual(['2×3 at 2,1']);
    for (const i of indices) expect(canvas.rgba(i % WIDTH, Math.floor(i / WIDTH))).toEqual([...MEMBRANE_CORRECTION_RGB, 255]);
    expect(canvas.rgba(5, 4)).toEqual(TRANSPARENT);
    expect(canvas.rgba(0, 0)).toEqual(TRANSPARENT);
  });

  it('renders whole again for unknown changes, another slice, or after being hidden', () => {
    const labels = new Uint8Array(WIDTH * HEIGHT);
    const { state, source } = overlay(slice(null, labels));
    const layer = new CorrectionLayer(source);
    const surface = surfaceOf(drawn(layer));
    labels[29] = 2;
    state.changes = 'all';
    expect(drawn(layer).rgba(5, 4)).toEqual([...CELL_CORRECTION_RGB, 255]);
    labels[0] = 1;
    layer.idle();
    expect(drawn(layer).rgba(0, 0)).toEqual([...MEMBRANE_CORRECTION_RGB, 255]);
    state.layers = slice(null, new Uint8Array(WIDTH * HEIGHT));
    expect(drawn(layer).rgba(0, 0)).toEqual(TRANSPARENT);
    expect(surface.puts.every((put) => put === `${WIDTH}×${HEIGHT} at 0,0`)).toBe(true);
    expect(surface.puts).toHaveLength(4);
  });
});
