import type { Volume } from '../../io/Volume.js';

/** A tiny synthetic EM-like stack: dark one-pixel-wide walls on a bright background, with labels. */
export function syntheticStack(size = 32, depth = 4): { images: Volume; labels: Volume } {
  const images = new Uint8Array(size * size * depth);
  const labels = new Uint8Array(size * size * depth);
  for (let z = 0; z < depth; z++) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const wall = (x + z) % 11 === 0 || (y * 2 + x + z) % 17 === 0;
        const i = (z * size + y) * size + x;
        images[i] = wall ? 40 + ((x * 7 + y) % 20) : 200 - ((x * 3 + y * 5) % 30);
        labels[i] = wall ? 0 : 255;
      }
    }
  }
  const base = { width: size, height: size, depth, dtype: 'uint8' as const, voxelSize: { x: 1, y: 1, z: 1, unit: 'px' }, format: 'test' };
  return { images: { ...base, name: 'images', source: 'images', data: images }, labels: { ...base, name: 'labels', source: 'labels', data: labels } };
}
