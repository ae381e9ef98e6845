import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTiff } from '../io/readTiff.js';
import { evaluateSlices } from './evaluateSlices.js';

/**
 * How long a full-size evaluation takes (512 × 512 × 30, the ISBI 2012 test stack's size). Off by
 * default, to keep the unit run fast; run with MEMBRANA_TIMING=1 npx vitest run engine/metrics.
 */
describe.runIf(process.env.MEMBRANA_TIMING)('evaluateSlices timing', () => {
  const [width, height, depth] = [512, 512, 30];
  const pixels = width * height;
  const labels = new Uint8Array(pixels * depth);
  const maps = new Map<string, Float32Array>();

  // In beforeAll, not in the describe body: vitest runs describe bodies even when skipping.
  beforeAll(() => {
    const data = new URL('../../../shared/data/isbi2012/', import.meta.url);
    const labels22 = readTiff(new Uint8Array(readFileSync(new URL('train-labels.tif', data))), 'train-labels.tif');
    const images22 = readTiff(new Uint8Array(readFileSync(new URL('train-volume.tif', data))), 'train-volume.tif');
    // 30 slices: the 22 labelled ones, then the first 8 again.
    const image = new Uint8Array(pixels * depth);
    for (let z = 0; z < depth; z++) {
      const from = (z % 22) * pixels;
      labels.set(labels22.data.subarray(from, from + pixels) as Uint8Array, z * pixels);
      image.set(images22.data.subarray(from, from + pixels) as Uint8Array, z * pixels);
    }
    maps.set('binary (labels)', Float32Array.from(labels, (v) => (v > 127 ? 0 : 1)));
    maps.set('soft (labels blurred + noise)', softLabels(labels, width, height, depth));
    maps.set('noisy (dark EM = membrane)', boxBlur(Float32Array.from(image, (v) => 1 - v / 255), width, height, depth));
  }, 60_000);

  for (const name of ['binary (labels)', 'soft (labels blurred + noise)', 'noisy (dark EM = membrane)']) {
    it(`evaluates a ${name} map`, () => {
      const probability = maps.get(name)!;
      evaluateSlices(probability.subarray(0, pixels), labels.subarray(0, pixels), width, height, 1); // warm-up
      const start = performance.now();
      const result = evaluateSlices(probability, labels, width, height, depth);
      const seconds = (performance.now() - start) / 1000;
      console.log(`${name}: ${seconds.toFixed(2)} s, V_rand ${result.v_rand.toFixed(4)} (t ${result.v_rand_threshold}), V_info ${result.v_info.toFixed(4)}, pixel error ${result.pixel_error.toFixed(4)}`);
      expect(seconds).toBeLessThan(10);
    }, 60_000);
  }
});

/** A CNN-like map: membrane 1 / cell 0, box-blurred twice, plus deterministic noise, clamped to 0-1. */
function softLabels(labels: Uint8Array, width: number, height: number, depth: number): Float32Array {
  let map: Float32Array = Float32Array.from(labels, (v) => (v > 127 ? 0 : 1));
  map = boxBlur(boxBlur(map, width, height, depth), width, height, depth);
  let seed = 1;
  return map.map((v) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return Math.min(1, Math.max(0, v + (seed / 2 ** 32 - 0.5) * 0.3));
  });
}

/** 3 × 3 mean per slice (edges average fewer pixels). */
function boxBlur(map: Float32Array, width: number, height: number, depth: number): Float32Array {
  const out = new Float32Array(map.length);
  for (let z = 0; z < depth; z++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let sum = 0;
        let count = 0;
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const [u, v] = [x + dx, y + dy];
            if (u < 0 || u >= width || v < 0 || v >= height) continue;
            sum += map[(z * height + v) * width + u]!;
            count++;
          }
        }
        out[(z * height + y) * width + x] = sum / count;
      }
    }
  }
  return out;
}
