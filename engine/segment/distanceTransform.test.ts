import { describe, expect, it } from 'vitest';
import { distanceTransform } from './distanceTransform.js';

/** O(n²) reference: the distance from each mask pixel to the nearest zero pixel. */
function bruteForce(mask: Uint8Array, width: number, height: number, sx: number, sy: number): Float64Array {
  const out = new Float64Array(width * height);
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] === 0) continue;
    const [x, y] = [i % width, Math.floor(i / width)];
    let best = Infinity;
    for (let j = 0; j < mask.length; j++) {
      if (mask[j] !== 0) continue;
      const d = Math.hypot((x - (j % width)) * sx, (y - Math.floor(j / width)) * sy);
      if (d < best) best = d;
    }
    out[i] = best;
  }
  return out;
}

function randomMask(width: number, height: number, density: number, seed: number): Uint8Array {
  let s = seed;
  return Uint8Array.from({ length: width * height }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32 < density ? 1 : 0;
  });
}

describe('distanceTransform', () => {
  it('matches brute force on random masks, isotropic and anisotropic', () => {
    const cases: [number, number, number, number, number][] = [
      [17, 13, 0.7, 1, 1],
      [23, 9, 0.95, 1, 1],
      [20, 20, 0.98, 4, 4],
      [19, 11, 0.9, 4, 12.5],
      [11, 21, 0.85, 0.3, 0.05],
      [1, 30, 0.8, 2, 3],
      [30, 1, 0.8, 2, 3],
    ];
    cases.forEach(([width, height, density, sx, sy], k) => {
      const mask = randomMask(width, height, density, 100 + k);
      mask[(k * 7) % mask.length] = 0; // at least one background pixel
      const expected = bruteForce(mask, width, height, sx, sy);
      const actual = distanceTransform(mask, width, height, { spacing: { x: sx, y: sy } });
      for (let i = 0; i < mask.length; i++) expect(actual[i], `case ${k}, pixel ${i}`).toBeCloseTo(expected[i]!, 4);
      const squared = distanceTransform(mask, width, height, { spacing: { x: sx, y: sy }, squared: true });
      for (let i = 0; i < mask.length; i++) expect(squared[i]).toBeCloseTo(expected[i]! ** 2, 3);
    });
  });

  it('is exact for a single background pixel (Euclidean, not city-block)', () => {
    const mask = new Uint8Array(7 * 7).fill(1);
    mask[3 * 7 + 3] = 0;
    const distance = distanceTransform(mask, 7, 7);
    expect(distance[0]).toBeCloseTo(Math.hypot(3, 3), 6);
    expect(distance[3 * 7 + 3]).toBe(0);
    expect(distance[6 * 7 + 5]).toBeCloseTo(Math.hypot(2, 3), 6);
  });

  it('gives Infinity without any background pixel, 0 on background, and reuses out', () => {
    const out = new Float32Array(12);
    expect(Array.from(distanceTransform(new Uint8Array(12).fill(1), 4, 3, { out }))).toEqual(new Array(12).fill(Infinity));
    expect(Array.from(distanceTransform(new Uint8Array(12), 4, 3, { out }))).toEqual(new Array(12).fill(0));
  });

  it('rejects a mask of the wrong size and bad spacing', () => {
    expect(() => distanceTransform(new Uint8Array(5), 2, 3)).toThrow(/holds 5 pixels, not 2 × 3/);
    expect(() => distanceTransform(new Uint8Array(6), 2, 3, { spacing: { x: 0, y: 1 } })).toThrow(/spacing must be positive/);
  });
});
