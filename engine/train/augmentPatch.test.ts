import { describe, expect, it } from 'vitest';
import { augmentPatch } from './augmentPatch.js';
import { Random } from '../base/Random.js';

/** Labels drawn as a pattern and an image that is the same pattern, so alignment is checkable. */
function scene(width: number, height: number): { image: Float32Array; labels: Uint8Array } {
  const labels = new Uint8Array(width * height);
  const image = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const membrane = x % 13 < 2 || (y * 3 + x) % 29 < 2;
      labels[y * width + x] = membrane ? 0 : 255;
      image[y * width + x] = membrane ? 0.05 : 0.95;
    }
  }
  return { image, labels };
}

describe('augmentPatch', () => {
  it('moves image and labels together through flips, rotations and elastic warps', () => {
    const { image, labels } = scene(80, 60);
    const random = new Random(3);
    for (let k = 0; k < 12; k++) {
      const patch = augmentPatch(image, labels, null, 80, 60, 32, random, { elasticAmplitude: 3, elasticSpacing: 16, intensityChance: 0 });
      let agree = 0;
      for (let i = 0; i < patch.image.length; i++) if ((patch.image[i]! < 0.5 ? 1 : 0) === patch.target[i]) agree++;
      // bilinear image vs nearest label differ only on a thin rim of each stripe
      expect(agree / patch.image.length).toBeGreaterThan(0.85);
      expect(patch.weight.every((w) => w === 1)).toBe(true);
    }
  });

  it('gives unlabelled pixels (other values, or outside the mask) zero weight', () => {
    const labels = new Uint8Array(64 * 64).fill(128);
    labels.fill(255, 0, 64 * 32);
    const mask = new Uint8Array(64 * 64).fill(1);
    const patch = augmentPatch(new Float32Array(64 * 64), labels, mask, 64, 64, 64, new Random(1), { elasticAmplitude: 0, elasticSpacing: 16, intensityChance: 0 });
    const weighted = patch.weight.reduce((s, w) => s + w, 0);
    expect(weighted).toBe(64 * 32);
    const none = augmentPatch(new Float32Array(64 * 64), labels, new Uint8Array(64 * 64), 64, 64, 64, new Random(1));
    expect(none.weight.every((w) => w === 0)).toBe(true);
  });

  it('is reproducible from the seed, and random state survives a save/restore', () => {
    const { image, labels } = scene(50, 50);
    const a = augmentPatch(image, labels, null, 50, 50, 24, new Random(9));
    const b = augmentPatch(image, labels, null, 50, 50, 24, new Random(9));
    expect(Array.from(b.image)).toEqual(Array.from(a.image));
    const random = new Random(5);
    random.next();
    const restored = Random.restore(random.save());
    expect(restored.next()).toBe(random.next());
  });
});
