import type { Volume } from './Volume.js';

export interface IntensityStats {
  /** Smallest and largest finite voxel value ({0, 0} when there is none). */
  range: { min: number; max: number };
  /** Suggested display window: never zero-width. */
  window: { low: number; high: number };
}

const LOW_PERCENTILE = 0.001;
const HIGH_PERCENTILE = 0.999;
const FLOAT_BINS = 4096;
/**
 * Float histograms look at most about this many voxels (an evenly spread sample): the window
 * of 4096 bins does not get better with more, and a second full pass over a 640 MB volume
 * costs over a second on a slow machine.
 */
const FLOAT_SAMPLES = 1 << 22;

/**
 * Value range and display window of a volume, in O(n) with histograms and no sorting.
 * 8-bit: the window is the full 0..255. 16-bit: the exact 0.1st..99.9th percentiles (65536-bin
 * histogram). Float: exact min and max, and the percentiles from a 4096-bin histogram between
 * them (of a sample of about 4 million voxels for larger volumes), rounded outwards to bin
 * edges. NaN and ±Infinity are ignored. `width` (optional) keeps the sample from lining up
 * with image columns.
 */
export function intensityStats(volume: Pick<Volume, 'dtype' | 'data'> & { width?: number }): IntensityStats {
  const { data } = volume;
  if (data instanceof Float32Array) return floatStats(data, volume.width ?? 1);
  if (data instanceof Uint32Array) return idStats(data);
  const histogram = new Uint32Array(data instanceof Uint8Array ? 256 : 65536);
  for (let start = 0; start < data.length; start += BLOCK) countBlock(data, start, Math.min(data.length, start + BLOCK), histogram);
  let min = 0;
  while (min < histogram.length && histogram[min] === 0) min++;
  if (min === histogram.length) return { range: { min: 0, max: 0 }, window: data instanceof Uint8Array ? { low: 0, high: 255 } : { low: 0, high: 1 } };
  let max = histogram.length - 1;
  while (histogram[max] === 0) max--;
  const range = { min, max };
  if (data instanceof Uint8Array) return { range, window: { low: 0, high: 255 } };
  const [lowBin, highBin] = percentileBins(histogram, data.length);
  return { range, window: widen(lowBin, highBin, 65535) };
}

/** uint32 holds ids (segments), not intensities: the window is the full range of values present. */
function idStats(data: Uint32Array): IntensityStats {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min > max) return { range: { min: 0, max: 0 }, window: { low: 0, high: 1 } };
  return { range: { min, max }, window: { low: min, high: max > min ? max : min + 1 } };
}

function countBlock(data: Uint8Array | Uint16Array, start: number, end: number, histogram: Uint32Array): void {
  for (let i = start; i < end; i++) histogram[data[i]!]!++;
}

function floatStats(data: Float32Array, width: number): IntensityStats {
  let [min, max] = finiteOrInfiniteRange(data);
  if (min === -Infinity || max === Infinity) {
    min = Infinity;
    max = -Infinity;
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (v - v !== 0) continue; // NaN or ±Infinity
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (min > max) return { range: { min: 0, max: 0 }, window: { low: 0, high: 1 } };
  const range = { min, max };
  if (min === max) return { range, window: widenFloat(min, max) };
  const histogram = new Uint32Array(FLOAT_BINS);
  const scale = FLOAT_BINS / (max - min);
  let count = 0;
  const step = sampleStep(data.length, width);
  for (let i = 0; i < data.length; i += step) {
    const v = data[i]!;
    if (v >= min && v <= max) {
      const bin = ((v - min) * scale) | 0;
      histogram[bin < FLOAT_BINS ? bin : FLOAT_BINS - 1]!++;
      count++;
    }
  }
  const [lowBin, highBin] = percentileBins(histogram, count);
  const binWidth = (max - min) / FLOAT_BINS;
  const low = lowBin === 0 ? min : min + lowBin * binWidth;
  const high = highBin === FLOAT_BINS - 1 ? max : min + (highBin + 1) * binWidth;
  return { range, window: widenFloat(low, high) };
}

/** Work is done in blocks so that V8 optimises the block function normally after a few calls,
 * instead of running one long loop in on-stack-replaced code (about 2× slower on a first call). */
const BLOCK = 1 << 16;
/** Running min (lanes 0-3) and max (lanes 4-7) of `rangeOfBlock`. */
const lanes = new Float64Array(8);

/** Min and max, skipping NaN (it fails every comparison) but not ±Infinity. */
function finiteOrInfiniteRange(data: Float32Array): [number, number] {
  lanes.fill(Infinity, 0, 4).fill(-Infinity, 4, 8);
  for (let start = 0; start < data.length; start += BLOCK) rangeOfBlock(data, start, Math.min(data.length, start + BLOCK));
  return [Math.min(lanes[0]!, lanes[1]!, lanes[2]!, lanes[3]!), Math.max(lanes[4]!, lanes[5]!, lanes[6]!, lanes[7]!)];
}

/** Four independent lanes with branch-free selects: about twice as fast as one lane with branches. */
function rangeOfBlock(data: Float32Array, start: number, end: number): void {
  let min0 = lanes[0]!;
  let min1 = lanes[1]!;
  let min2 = lanes[2]!;
  let min3 = lanes[3]!;
  let max0 = lanes[4]!;
  let max1 = lanes[5]!;
  let max2 = lanes[6]!;
  let max3 = lanes[7]!;
  let i = start;
  for (; i + 3 < end; i += 4) {
    const v0 = data[i]!;
    const v1 = data[i + 1]!;
    const v2 = data[i + 2]!;
    const v3 = data[i + 3]!;
    min0 = v0 < min0 ? v0 : min0;
    max0 = v0 > max0 ? v0 : max0;
    min1 = v1 < min1 ? v1 : min1;
    max1 = v1 > max1 ? v1 : max1;
    min2 = v2 < min2 ? v2 : min2;
    max2 = v2 > max2 ? v2 : max2;
    min3 = v3 < min3 ? v3 : min3;
    max3 = v3 > max3 ? v3 : max3;
  }
  for (; i < end; i++) {
    const v = data[i]!;
    min0 = v < min0 ? v : min0;
    max0 = v > max0 ? v : max0;
  }
  lanes[0] = min0;
  lanes[1] = min1;
  lanes[2] = min2;
  lanes[3] = min3;
  lanes[4] = max0;
  lanes[5] = max1;
  lanes[6] = max2;
  lanes[7] = max3;
}

/** 1, or a stride giving about FLOAT_SAMPLES voxels that shares no factor with the row width. */
function sampleStep(length: number, width: number): number {
  if (length <= 2 * FLOAT_SAMPLES) return 1;
  let step = Math.ceil(length / FLOAT_SAMPLES);
  while (greatestCommonDivisor(step, width) !== 1) step++;
  return step;
}

function greatestCommonDivisor(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** The bins holding the 0.1st and 99.9th percentile values (nearest rank). */
function percentileBins(histogram: Uint32Array, count: number): [number, number] {
  const lowRank = Math.floor(LOW_PERCENTILE * (count - 1));
  const highRank = Math.ceil(HIGH_PERCENTILE * (count - 1));
  let low = -1;
  let high = histogram.length - 1;
  let seen = 0;
  for (let bin = 0; bin < histogram.length; bin++) {
    seen += histogram[bin]!;
    if (low < 0 && seen > lowRank) low = bin;
    if (seen > highRank) {
      high = bin;
      break;
    }
  }
  return [Math.max(low, 0), high];
}

function widen(low: number, high: number, limit: number): { low: number; high: number } {
  if (high > low) return { low, high };
  return high < limit ? { low, high: high + 1 } : { low: low - 1, high };
}

function widenFloat(low: number, high: number): { low: number; high: number } {
  if (high > low) return { low, high };
  const half = Math.max(Math.abs(low) * 1e-3, 0.5);
  return { low: low - half, high: high + half };
}
