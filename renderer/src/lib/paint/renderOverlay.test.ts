import { describe, expect, it } from 'vitest';
import { CELL_CORRECTION_RGB, colormapColor, MEMBRANE_CORRECTION_RGB } from './overlayColors.js';
import { overlayLut, renderOverlay, renderOverlayPixels, type OverlayStyle } from './renderOverlay.js';

const style: OverlayStyle = {
  showPrediction: true,
  mode: 'probability',
  threshold: 128,
  opacity: 1,
  colormap: 'magenta',
  showCorrections: true,
  correctionOpacity: 1,
};

/** Each pixel of an RGBA buffer as [r, g, b, a]. */
function rgba(out: Uint8ClampedArray): number[][] {
  const pixels: number[][] = [];
  for (let k = 0; k < out.length; k += 4) pixels.push([...out.subarray(k, k + 4)]);
  return pixels;
}

function render(prediction: Uint8Array | null, labels: Uint8Array | null, overrides: Partial<OverlayStyle> = {}): number[][] {
  const count = prediction?.length ?? labels?.length ?? 0;
  const out = new Uint8ClampedArray(count * 4).fill(77); // stale bytes must all be overwritten
  renderOverlay(out, prediction, labels, { ...style, ...overrides });
  return rgba(out);
}

describe('overlayLut', () => {
  it('has 256 prediction entries and 3 label entries', () => {
    expect(overlayLut(style)).toHaveLength(259);
  });
});

describe('renderOverlay', () => {
  it('fades the colour in with the probability in probability mode', () => {
    expect(render(Uint8Array.from([0, 51, 255]), null, { opacity: 1 })).toEqual([
      [255, 0, 150, 0],
      [255, 0, 150, 51],
      [255, 0, 150, 255],
    ]);
    expect(render(Uint8Array.from([255, 100]), null, { opacity: 0.5 })).toEqual([
      [255, 0, 150, 128],
      [255, 0, 150, 50],
    ]);
  });

  it('takes the colour of each level from the colour map', () => {
    const [pixel] = render(Uint8Array.from([200]), null, { colormap: 'magma' });
    expect(pixel).toEqual([...colormapColor('magma', 200), 200]);
  });

  it('shows a hard mask at the top colour in threshold mode', () => {
    expect(render(Uint8Array.from([0, 127, 128, 255]), null, { mode: 'threshold', threshold: 128, opacity: 0.6, colormap: 'magma' })).toEqual([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [222, 73, 104, 153],
      [222, 73, 104, 153],
    ]);
  });

  it('draws corrections over the prediction and lets unlabelled pixels show it', () => {
    const prediction = Uint8Array.from([255, 255, 0, 9]);
    const labels = Uint8Array.from([0, 1, 2, 7]);
    expect(render(prediction, labels, { correctionOpacity: 0.5 })).toEqual([
      [255, 0, 150, 255],
      [...MEMBRANE_CORRECTION_RGB, 128],
      [...CELL_CORRECTION_RGB, 128],
      [0, 0, 0, 0], // an unknown label value is transparent rather than a wrong colour
    ]);
  });

  it('hides each layer when switched off', () => {
    const prediction = Uint8Array.from([255, 255]);
    const labels = Uint8Array.from([0, 2]);
    expect(render(prediction, labels, { showCorrections: false })).toEqual([
      [255, 0, 150, 255],
      [255, 0, 150, 255],
    ]);
    expect(render(prediction, labels, { showPrediction: false })).toEqual([
      [0, 0, 0, 0],
      [...CELL_CORRECTION_RGB, 255],
    ]);
    expect(render(prediction, labels, { showPrediction: false, showCorrections: false })).toEqual([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
  });

  it('renders labels alone and nothing at all', () => {
    expect(render(null, Uint8Array.from([1, 0]))).toEqual([[...MEMBRANE_CORRECTION_RGB, 255], [0, 0, 0, 0]]);
    expect(render(null, null)).toEqual([]);
  });

  it('names the sizes when an input is short', () => {
    const out = new Uint8ClampedArray(16);
    expect(() => renderOverlay(out, new Uint8Array(3), null, style)).toThrow(/3 pixels.*4/);
    expect(() => renderOverlay(out, null, new Uint8Array(2), style)).toThrow(/2 pixels.*4/);
    expect(() => renderOverlay(new Uint8ClampedArray(6), null, null, style)).toThrow(/6 bytes/);
  });
});

describe('renderOverlayPixels', () => {
  const width = 6;
  const height = 5;
  const prediction = Uint8Array.from({ length: width * height }, (_, i) => (i * 37) % 256);
  const labels = Uint8Array.from({ length: width * height }, (_, i) => i % 3);

  it('matches a full render on the updated pixels and touches no others', () => {
    for (const overrides of [{}, { mode: 'threshold' as const }, { showPrediction: false }, { showCorrections: false }]) {
      const current = { ...style, ...overrides };
      const full = new Uint8ClampedArray(width * height * 4);
      renderOverlay(full, prediction, labels, current);
      const partial = new Uint8ClampedArray(width * height * 4).fill(77);
      const indices = Uint32Array.from([8, 9, 14, 21]);
      renderOverlayPixels(partial, prediction, labels, current, indices, width);
      rgba(partial).forEach((pixel, i) => {
        expect(pixel).toEqual(indices.includes(i) ? rgba(full)[i] : [77, 77, 77, 77]);
      });
    }
  });

  it('returns the dirty box with exclusive ends, whatever the order of the indices', () => {
    const out = new Uint8ClampedArray(width * height * 4);
    // (2,1), (3,1), (2,2), (3,3) in shuffled order.
    expect(renderOverlayPixels(out, prediction, labels, style, Uint32Array.from([21, 14, 9, 8]), width)).toEqual({ x0: 2, y0: 1, x1: 4, y1: 4 });
    expect(renderOverlayPixels(out, prediction, labels, style, Uint32Array.from([29]), width)).toEqual({ x0: 5, y0: 4, x1: 6, y1: 5 });
  });

  it('returns null when there is nothing to update', () => {
    const out = new Uint8ClampedArray(width * height * 4);
    expect(renderOverlayPixels(out, prediction, labels, style, new Uint32Array(0), width)).toBeNull();
    expect(renderOverlayPixels(out, prediction, labels, style, Uint32Array.from([999]), width)).toBeNull();
  });

  it('uses a lookup table given by the caller', () => {
    const out = new Uint8ClampedArray(width * height * 4);
    const lut = overlayLut(style).fill(0x04030201);
    renderOverlayPixels(out, prediction, labels, style, Uint32Array.from([0]), width, lut);
    expect([...out.subarray(0, 4)]).toEqual([1, 2, 3, 4]);
  });
});
