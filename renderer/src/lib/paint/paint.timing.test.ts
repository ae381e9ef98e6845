import { describe, expect, it } from 'vitest';
import { brushStroke } from './brushFootprint.js';
import { floodFill, membraneBarrier } from './floodFill.js';
import { polygonFill } from './polygonFill.js';
import { boxOf, lookUpRows } from '../layers/paintStrips.js';
import { LABEL_OFFSET, overlayLut, type OverlayStyle } from './overlayLut.js';
import { StrokeRecorder } from './strokeRecorder.js';

/**
 * Timings on a 4096² slice, printed rather than asserted (machines differ). Opt in with
 * MEMBRANA_TIMING=1; the renderer's types have no Node globals, hence the cast.
 */
const enabled = Boolean((globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env.MEMBRANA_TIMING);

const SIZE = 4096;

/**
 * Milliseconds per call: the fastest of `rounds` batches of `repeats` calls after a warm-up (the
 * fastest is the least disturbed by other processes), with the median beside it.
 */
function time(label: string, run: () => unknown, repeats = 1, rounds = 7): number {
  for (let k = 0; k < repeats; k++) run();
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const start = performance.now();
    for (let k = 0; k < repeats; k++) run();
    samples.push((performance.now() - start) / repeats);
  }
  samples.sort((a, b) => a - b);
  const format = (ms: number): string => (ms < 1 ? ms.toFixed(4) : ms.toFixed(1));
  console.log(`${label}: ${format(samples[0]!)} ms (median ${format(samples[Math.floor(rounds / 2)]!)} ms)`);
  return samples[0]!;
}

/** A prediction with membrane lines every 64 pixels and a soft ramp beside them. */
function gridPrediction(): Uint8Array {
  const prediction = new Uint8Array(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const distance = Math.min(x % 64, y % 64);
      prediction[y * SIZE + x] = distance < 2 ? 255 : Math.max(0, 200 - distance * 20);
    }
  }
  return prediction;
}

describe.skipIf(!enabled)('paint timing on 4096²', () => {
  const style: OverlayStyle = {
    showPrediction: true,
    mode: 'probability',
    threshold: 128,
    opacity: 0.6,
    colormap: 'magma',
    showCorrections: true,
    correctionOpacity: 0.8,
  };

  it('brush strokes', () => {
    time('brushStroke r=20, 30 px segment', () => brushStroke({ x: 2000, y: 2000 }, { x: 2024, y: 2018 }, 20, SIZE, SIZE), 2000);
    time('brushStroke r=20 disc', () => brushStroke({ x: 2000, y: 2000 }, { x: 2000, y: 2000 }, 20, SIZE, SIZE), 2000);
    time('brushStroke r=100, 200 px segment', () => brushStroke({ x: 1000, y: 1000 }, { x: 1200, y: 1000 }, 100, SIZE, SIZE), 200);
    const recorder = new StrokeRecorder(SIZE, SIZE, 20);
    time(
      'StrokeRecorder: 100 moves of 10 px, r=20, indices() and reset()',
      () => {
        for (let k = 0; k < 100; k++) recorder.add({ x: 500 + k * 10, y: 500 + k * 5 });
        recorder.indices();
        recorder.reset();
      },
      10,
    );
  });

  it('flood fill', () => {
    const prediction = gridPrediction();
    const labels = new Uint8Array(SIZE * SIZE);
    let barrier: Uint8Array = new Uint8Array(0);
    time('membraneBarrier', () => (barrier = membraneBarrier(prediction, labels, 128)));
    const cell = time('floodFill one 62² cell', () => floodFill(100 * SIZE + 100, barrier, SIZE, SIZE), 50);
    expect(cell).toBeGreaterThan(0);
    const open = new Uint8Array(SIZE * SIZE);
    time('floodFill whole empty slice (16.8 M px)', () => floodFill(0, open, SIZE, SIZE), 1, 5);
    time('floodFill whole slice through a predicate', () => floodFill(0, () => false, SIZE, SIZE), 1, 5);
    time('floodFill stopped at limit 1 M px', () => floodFill(0, open, SIZE, SIZE, 1_000_000), 1, 5);
    expect(floodFill(100 * SIZE + 100, barrier, SIZE, SIZE).indices).toHaveLength(60 * 60);
  });

  it('polygon fill', () => {
    const circle = Array.from({ length: 2000 }, (_, k) => ({
      x: 2048 + 2000 * Math.cos((k * 2 * Math.PI) / 2000),
      y: 2048 + 2000 * Math.sin((k * 2 * Math.PI) / 2000),
    }));
    time('polygonFill circle r=2000, 2000 vertices (12.6 M px)', () => polygonFill(circle, SIZE, SIZE), 1, 5);
    const lasso = Array.from({ length: 500 }, (_, k) => ({
      x: 1000 + 150 * Math.cos((k * 2 * Math.PI) / 500) * (1 + 0.3 * Math.sin(k / 7)),
      y: 1000 + 150 * Math.sin((k * 2 * Math.PI) / 500),
    }));
    time('polygonFill wobbly lasso r≈150, 500 vertices', () => polygonFill(lasso, SIZE, SIZE), 50);
  });

  it('overlay rendering', () => {
    const prediction = gridPrediction();
    const labels = new Uint8Array(SIZE * SIZE);
    for (let i = 0; i < labels.length; i += 7) labels[i] = (i % 3) as 0 | 1 | 2;
    const out = new Uint32Array(SIZE * SIZE);
    const lut = overlayLut(style);
    time('overlayLut', () => overlayLut(style), 1000);
    // What the prediction and correction layers do per pixel (layers/paintStrips.ts), without the canvas.
    time('prediction layer: whole slice through the table', () => lookUpRows(out, prediction, SIZE, lut, 0, 0, 0, SIZE, SIZE), 1, 7);
    time('correction layer: whole slice through the table', () => lookUpRows(out, labels, SIZE, lut, LABEL_OFFSET, 0, 0, SIZE, SIZE), 1, 7);
    const stroke = brushStroke({ x: 2000, y: 2000 }, { x: 2024, y: 2018 }, 20, SIZE, SIZE);
    const box = boxOf(stroke, SIZE)!;
    const boxWidth = box.x1 - box.x0;
    const boxHeight = box.y1 - box.y0;
    time(`correction layer: the box of a r=20 stroke segment (${boxWidth} × ${boxHeight} px)`, () => lookUpRows(out, labels, SIZE, lut, LABEL_OFFSET, box.x0, box.y0, boxWidth, boxHeight), 2000);
  });
});
