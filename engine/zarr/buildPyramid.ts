import type { Progress } from '../../protocol/contract.js';
import type { VoxelArray } from '../io/Volume.js';
import { allocateVoxels } from '../io/Volume.js';
import type { OmeZarr, OmeZarrLevel } from './omeZarr.js';
import type { Region } from './readRegion.js';
import { readRegion, writeRegion } from './readRegion.js';

export interface BuildPyramidOptions {
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

/**
 * Fills levels 1… from level 0 (already written): each level halves x and y of the one above
 * (2×2 mean for intensities, 2×2 mode for labels; z kept). Works one target chunk at a time,
 * so memory holds one chunk and its 2×2 source block, never a whole level.
 */
export async function buildPyramid(image: OmeZarr, options: BuildPyramidOptions = {}): Promise<void> {
  const { signal, onProgress } = options;
  const blocks = image.levels.slice(1).map(blockCount);
  const total = blocks.reduce((sum, n) => sum + n, 0);
  let done = 0;
  for (let level = 1; level < image.levels.length; level++) {
    const source = image.levels[level - 1]!;
    const target = image.levels[level]!;
    for (const region of chunkRegions(target)) {
      signal?.throwIfAborted();
      const from: Region = {
        z: region.z,
        y: [region.y[0] * 2, Math.min(region.y[1] * 2, source.shape[1])],
        x: [region.x[0] * 2, Math.min(region.x[1] * 2, source.shape[2])],
      };
      const input = await readRegion(source, from, signal);
      const output = downsample(input, from, region, target);
      await writeRegion(target, region, output);
      done++;
      onProgress?.({ stage: `Building level ${level} of ${image.levels.length - 1}`, fraction: done / total });
    }
  }
}

function blockCount(level: OmeZarrLevel): number {
  return level.shape.reduce((product, size, a) => product * Math.ceil(size / level.chunks[a]!), 1);
}

/** The chunk-aligned regions that tile a level, z-chunk by z-chunk. */
export function* chunkRegions(level: OmeZarrLevel): Generator<Region> {
  const [depth, height, width] = level.shape;
  const [cz, cy, cx] = level.chunks;
  for (let z = 0; z < depth; z += cz)
    for (let y = 0; y < height; y += cy)
      for (let x = 0; x < width; x += cx)
        yield { z: [z, Math.min(z + cz, depth)], y: [y, Math.min(y + cy, height)], x: [x, Math.min(x + cx, width)] };
}

/** Halves x and y of `input` (the 2×2 source block of `region`); an odd edge averages the voxels it has. */
function downsample(input: VoxelArray, from: Region, region: Region, target: OmeZarrLevel): VoxelArray {
  const depth = region.z[1] - region.z[0];
  const height = region.y[1] - region.y[0];
  const width = region.x[1] - region.x[0];
  const inHeight = from.y[1] - from.y[0];
  const inWidth = from.x[1] - from.x[0];
  const output = allocateVoxels(target.dtype, depth * height * width);
  const rounds = !(output instanceof Float32Array);
  const values = [0, 0, 0, 0];
  let o = 0;
  for (let z = 0; z < depth; z++) {
    const plane = z * inHeight * inWidth;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let count = 0;
        for (let dy = 0; dy < 2; dy++) {
          const sy = 2 * y + dy;
          if (sy >= inHeight) break;
          for (let dx = 0; dx < 2; dx++) {
            const sx = 2 * x + dx;
            if (sx >= inWidth) break;
            values[count++] = input[plane + sy * inWidth + sx]!;
          }
        }
        output[o++] = target.kind === 'label' ? mode(values, count) : mean(values, count, rounds);
      }
    }
  }
  return output;
}

function mean(values: number[], count: number, rounds: boolean): number {
  let sum = 0;
  for (let i = 0; i < count; i++) sum += values[i]!;
  return rounds ? Math.round(sum / count) : sum / count;
}

/** The most frequent id; ties go to the first in reading order (top-left), so thin segments persist predictably. */
function mode(values: number[], count: number): number {
  let best = values[0]!;
  let bestCount = 0;
  for (let i = 0; i < count; i++) {
    let n = 0;
    for (let j = 0; j < count; j++) if (values[j] === values[i]) n++;
    if (n > bestCount) {
      best = values[i]!;
      bestCount = n;
    }
  }
  return best;
}
