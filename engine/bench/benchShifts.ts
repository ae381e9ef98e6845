/**
 * Domain shifts for the fine-tuning bench: what a new microscope, stain or pixel size does to
 * an EM stack. All seeded, all on 8-bit stacks (z-major, row-major).
 */
import { Random } from '../base/Random.js';

export interface Stack {
  width: number;
  height: number;
  depth: number;
  data: Uint8Array;
}

const clamp = (v: number): number => Math.min(255, Math.max(0, Math.round(v)));

/**
 * Mild: gamma 1.4 (darker mid-tones), a 3 × 3 box blur, contrast squeezed to 0.6 about
 * mid-grey, Gaussian noise σ 6 grey levels. The shipped model mostly copes.
 */
export function mildShift(stack: Stack, seed = 11): Stack {
  const random = new Random(seed);
  const { width, height, depth } = stack;
  const plane = width * height;
  const out = new Uint8Array(stack.data.length);
  for (let z = 0; z < depth; z++) {
    const blurred = boxBlur(stack.data.subarray(z * plane, (z + 1) * plane), width, height);
    for (let i = 0; i < plane; i++) {
      const v = Math.pow(blurred[i]! / 255, 1.4);
      out[z * plane + i] = clamp(255 * (0.5 + 0.6 * (v - 0.5)) + 6 * random.normal());
    }
  }
  return { width, height, depth, data: out };
}

/**
 * Hard: contrast inverted, pixels 0.75× as fine (each slice resampled to 3/4 of its size, so
 * membranes are thinner in pixels), Gaussian noise σ 10. The shipped model fails.
 */
export function hardShift(stack: Stack, seed = 12): Stack {
  const random = new Random(seed);
  const small = resample(stack, 0.75, 'linear');
  for (let i = 0; i < small.data.length; i++) small.data[i] = clamp(255 - small.data[i]! + 10 * random.normal());
  return small;
}

/** The labels (ISBI 0 / 255) at the hard shift's pixel size. */
export function hardShiftLabels(labels: Stack): Stack {
  return resample(labels, 0.75, 'nearest');
}

/** Each slice scaled by `factor` (bilinear for images, nearest for labels), sampling at pixel centres. */
function resample(stack: Stack, factor: number, kind: 'linear' | 'nearest'): Stack {
  const width = Math.round(stack.width * factor);
  const height = Math.round(stack.height * factor);
  const plane = stack.width * stack.height;
  const data = new Uint8Array(width * height * stack.depth);
  for (let z = 0; z < stack.depth; z++) {
    const src = stack.data.subarray(z * plane, (z + 1) * plane);
    for (let y = 0; y < height; y++) {
      const sy = Math.min(stack.height - 1, Math.max(0, (y + 0.5) / factor - 0.5));
      for (let x = 0; x < width; x++) {
        const sx = Math.min(stack.width - 1, Math.max(0, (x + 0.5) / factor - 0.5));
        let v: number;
        if (kind === 'nearest') v = src[Math.round(sy) * stack.width + Math.round(sx)]!;
        else {
          const x0 = Math.floor(sx), y0 = Math.floor(sy);
          const x1 = Math.min(stack.width - 1, x0 + 1), y1 = Math.min(stack.height - 1, y0 + 1);
          const ax = sx - x0, ay = sy - y0;
          const top = src[y0 * stack.width + x0]! * (1 - ax) + src[y0 * stack.width + x1]! * ax;
          const bottom = src[y1 * stack.width + x0]! * (1 - ax) + src[y1 * stack.width + x1]! * ax;
          v = top * (1 - ay) + bottom * ay;
        }
        data[z * width * height + y * width + x] = clamp(v);
      }
    }
  }
  return { width, height, depth: stack.depth, data };
}

function boxBlur(src: Uint8Array, width: number, height: number): Float32Array {
  const out = new Float32Array(src.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      let n = 0;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const yy = y + dy, xx = x + dx;
          if (yy < 0 || yy >= height || xx < 0 || xx >= width) continue;
          sum += src[yy * width + xx]!;
          n++;
        }
      }
      out[y * width + x] = sum / n;
    }
  }
  return out;
}

/**
 * Corrections as a person makes them: only where the prediction (8-bit, 255 = membrane) is
 * wrong against the truth (ISBI 0 / 255), widened by `radius` pixels (a brush covers some of
 * what was right around an error), labelled with the truth: 0 unlabelled, 1 membrane, 2 cell.
 */
export function correctWhereWrong(probability: Uint8Array, truth: Uint8Array, width: number, height: number, radius = 3): Uint8Array {
  const wrong = new Uint8Array(width * height);
  for (let i = 0; i < wrong.length; i++) wrong[i] = (probability[i]! >= 128) !== (truth[i]! === 0) ? 1 : 0;
  const labels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!wrong[y * width + x]) continue;
      for (let dy = -radius; dy <= radius; dy++) {
        for (let dx = -radius; dx <= radius; dx++) {
          const yy = y + dy, xx = x + dx;
          if (yy < 0 || yy >= height || xx < 0 || xx >= width || dx * dx + dy * dy > radius * radius) continue;
          const i = yy * width + xx;
          labels[i] = truth[i] === 0 ? 1 : 2;
        }
      }
    }
  }
  return labels;
}
