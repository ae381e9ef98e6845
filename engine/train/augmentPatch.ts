import { mirrorIndex as mirror } from '../predict/tileLayout.js';
import type { Random } from '../base/Random.js';

/** One training sample: image values and per-pixel target (1 membrane, 0 cell) and weight (0 = ignore). */
export interface Patch {
  size: number;
  image: Float32Array;
  target: Float32Array;
  weight: Float32Array;
}

export interface AugmentOptions {
  /** Elastic deformation: displacement amplitude in pixels (0 turns it off). */
  elasticAmplitude: number;
  /** Coarse grid spacing of the displacement field, in pixels. */
  elasticSpacing: number;
  /** Chance of each intensity change. */
  intensityChance: number;
}

export const DEFAULT_AUGMENT: AugmentOptions = { elasticAmplitude: 6, elasticSpacing: 64, intensityChance: 0.5 };

/**
 * Cuts a size × size patch at a random place of one slice, with a random flip/90° rotation and
 * elastic deformation applied to image and labels alike (nearest label, bilinear image), then
 * contrast, gamma, brightness, blur and noise on the image. `image` is the slice scaled to [0, 1];
 * `labels` follow ISBI (0 membrane, 255 cell, anything else unlabelled) and `mask` (optional,
 * nonzero = labelled) marks what the loss may use.
 */
export function augmentPatch(
  image: Float32Array,
  labels: Uint8Array,
  mask: Uint8Array | null,
  width: number,
  height: number,
  size: number,
  random: Random,
  options: AugmentOptions = DEFAULT_AUGMENT,
): Patch {
  // The patch origin; sampling beyond the slice mirrors back inside.
  const x0 = random.int(Math.max(1, width - size + 1));
  const y0 = random.int(Math.max(1, height - size + 1));
  const dihedral = random.int(8);
  const field = options.elasticAmplitude > 0 ? displacementField(size, options, random) : null;
  const patch: Patch = { size, image: new Float32Array(size * size), target: new Float32Array(size * size), weight: new Float32Array(size * size) };

  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const i = py * size + px;
      // Where this patch pixel reads from (before the flip/rotation), in patch coordinates.
      let u = px;
      let v = py;
      if (dihedral & 4) [u, v] = [v, u];
      if (dihedral & 1) u = size - 1 - u;
      if (dihedral & 2) v = size - 1 - v;
      let sx = x0 + u;
      let sy = y0 + v;
      if (field) {
        sx += field.dx[i]!;
        sy += field.dy[i]!;
      }
      const value = bilinear(image, width, height, sx, sy);
      const nx = mirror(Math.round(sx), width);
      const ny = mirror(Math.round(sy), height);
      const label = labels[ny * width + nx]!;
      const labelled = (label === 0 || label === 255) && (!mask || mask[ny * width + nx] !== 0);
      patch.image[i] = value;
      patch.target[i] = label === 0 ? 1 : 0;
      patch.weight[i] = labelled ? 1 : 0;
    }
  }
  adjustIntensity(patch.image, size, random, options.intensityChance);
  return patch;
}

function displacementField(size: number, options: AugmentOptions, random: Random): { dx: Float32Array; dy: Float32Array } {
  // Random displacements on a coarse grid, bilinearly interpolated: smooth, cheap elastic warps.
  const cells = Math.max(1, Math.round(size / options.elasticSpacing));
  const grid = cells + 1;
  const gx = new Float32Array(grid * grid).map(() => random.normal() * options.elasticAmplitude);
  const gy = new Float32Array(grid * grid).map(() => random.normal() * options.elasticAmplitude);
  const dx = new Float32Array(size * size);
  const dy = new Float32Array(size * size);
  const scale = cells / Math.max(1, size - 1);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      dx[y * size + x] = bilinear(gx, grid, grid, x * scale, y * scale);
      dy[y * size + x] = bilinear(gy, grid, grid, x * scale, y * scale);
    }
  }
  return { dx, dy };
}

function bilinear(data: Float32Array, width: number, height: number, x: number, y: number): number {
  const fx = Math.floor(x);
  const fy = Math.floor(y);
  const ax = x - fx;
  const ay = y - fy;
  const x0 = mirror(fx, width), x1 = mirror(fx + 1, width);
  const y0 = mirror(fy, height), y1 = mirror(fy + 1, height);
  const top = data[y0 * width + x0]! * (1 - ax) + data[y0 * width + x1]! * ax;
  const bottom = data[y1 * width + x0]! * (1 - ax) + data[y1 * width + x1]! * ax;
  return top * (1 - ay) + bottom * ay;
}

/** Contrast, gamma, brightness, blur and Gaussian noise, each with the given chance. */
function adjustIntensity(image: Float32Array, size: number, random: Random, chance: number): void {
  const contrast = random.chance(chance) ? random.uniform(0.75, 1.3) : 1;
  const brightness = random.chance(chance) ? random.uniform(-0.1, 0.1) : 0;
  const gamma = random.chance(chance) ? Math.exp(random.uniform(-0.3, 0.3)) : 1;
  for (let i = 0; i < image.length; i++) {
    const v = Math.min(1, Math.max(0, image[i]!));
    image[i] = (Math.pow(v, gamma) - 0.5) * contrast + 0.5 + brightness;
  }
  if (random.chance(chance * 0.4)) boxBlur3(image, size);
  if (random.chance(chance * 0.6)) {
    const sigma = random.uniform(0.01, 0.06);
    for (let i = 0; i < image.length; i++) image[i] = image[i]! + random.normal() * sigma;
  }
}

function boxBlur3(image: Float32Array, size: number): void {
  const copy = image.slice();
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let sum = 0;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) sum += copy[mirror(y + dy, size) * size + mirror(x + dx, size)]!;
      image[y * size + x] = sum / 9;
    }
  }
}
