import { distanceTransform, type PixelSpacing } from './distanceTransform.js';
import { drawWatershedLines } from './drawWatershedLines.js';
import { floodBasins } from './floodBasins.js';
import { mergeSmallSegments } from './mergeSmallSegments.js';
import { prominentMaxima } from './prominentMaxima.js';

/** The knobs of the 2D segmentation; the defaults suit ISBI 2012-like data (see README.md). */
export interface WatershedOptions {
  /** Physical pixel size in nanometres (x, y). */
  pixelSize: PixelSpacing;
  /** Membrane probability (0..255) below which a pixel counts as cell interior for seeding. */
  seedThreshold?: number;
  /**
   * How far (nm) a maximum of the interior's distance to the membrane must rise above the saddle
   * to a higher maximum to seed its own segment: larger values merge more lobes of one cell.
   */
  seedProminence?: number;
  /**
   * And only where the cell narrows to a neck at most this fraction of its width there (0..1):
   * cells touching through a gap in the membrane are split, a cell with a waist is not.
   */
  seedNeckRatio?: number;
  /** Segments smaller than this (nm²) are merged into the neighbour with the longest shared border. */
  minArea?: number;
  /** Expert labels for this slice (0 unlabelled, 1 membrane, 2 cell): they override the probability. */
  corrections?: Uint8Array | null;
}

/** Chosen on ISBI 2012 with the shipped model (engine/segment/README.md). */
export const WATERSHED_DEFAULTS = {
  seedThreshold: 51,
  seedProminence: 16,
  seedNeckRatio: 0.25,
  minArea: 1000,
} as const;

/** One slice's segments: ids 1..count, 0 on the lines between them. */
export interface SliceSegments {
  labels: Uint32Array;
  count: number;
}

const CORRECTION_MEMBRANE = 1;
const CORRECTION_CELL = 2;

/**
 * Segments one slice of membrane probability (row-major, 0..255, 255 = membrane) into cells:
 * 1. seeds: the cell interior (probability < seedThreshold), its Euclidean distance to the
 *    nearest membrane (physical units), and one seed per connected piece of interior at its
 *    largest distance, plus one at each other maximum that rises seedProminence above the
 *    saddle to it through a neck narrower than seedNeckRatio of its height: cells joined
 *    through a gap in the membrane get a seed each, bumps of one cell do not;
 * 2. flooding from the seeds over the probability, so basins meet where membrane is most likely,
 *    and gaps in a membrane are closed where the probability still peaks;
 * 3. segments under minArea merged into their neighbour with the longest shared border;
 * 4. one-pixel watershed lines (label 0) between touching segments. Everything else is labelled:
 *    membrane pixels belong to the cell on their side of the line.
 */
export function watershed2d(probability: Uint8Array, width: number, height: number, options: WatershedOptions): SliceSegments {
  const n = width * height;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || probability.length !== n) {
    throw new RangeError(`watershed2d: the probability slice holds ${probability.length} pixels, not ${width} × ${height}.`);
  }
  const { pixelSize } = options;
  if (!(pixelSize.x > 0 && pixelSize.y > 0 && Number.isFinite(pixelSize.x * pixelSize.y))) {
    throw new RangeError(`watershed2d: the pixel size must be positive nanometres, got ${pixelSize.x} × ${pixelSize.y}.`);
  }
  const seedThreshold = options.seedThreshold ?? WATERSHED_DEFAULTS.seedThreshold;
  const seedProminence = options.seedProminence ?? WATERSHED_DEFAULTS.seedProminence;
  const seedNeckRatio = options.seedNeckRatio ?? WATERSHED_DEFAULTS.seedNeckRatio;
  const minArea = options.minArea ?? WATERSHED_DEFAULTS.minArea;
  if (!(seedThreshold >= 0 && seedThreshold <= 256)) throw new RangeError(`watershed2d: seedThreshold must be 0..256 (probability × 255), got ${seedThreshold}.`);
  if (!(seedProminence >= 0)) throw new RangeError(`watershed2d: seedProminence must be 0 nm or more, got ${seedProminence}.`);
  if (!(seedNeckRatio >= 0 && seedNeckRatio <= 1)) throw new RangeError(`watershed2d: seedNeckRatio must be from 0 to 1, got ${seedNeckRatio}.`);
  if (!(minArea >= 0)) throw new RangeError(`watershed2d: minArea must be 0 nm² or more, got ${minArea}.`);
  const relief = applyCorrections(probability, options.corrections ?? null, n);

  const interior = new Uint8Array(n);
  let interiorPixels = 0;
  for (let i = 0; i < n; i++) {
    if (relief[i]! < seedThreshold) {
      interior[i] = 1;
      interiorPixels++;
    }
  }
  const labels = new Int32Array(n);
  const out = new Uint32Array(n);
  if (interiorPixels === 0) return { labels: out, count: 0 }; // all membrane: no cell to seed
  let count: number;
  if (interiorPixels === n) {
    // No membrane at all: one cell (the distance to the membrane would be infinite).
    labels.fill(1);
    count = 1;
  } else {
    const distance = distanceTransform(interior, width, height, { spacing: pixelSize });
    const seeds = prominentMaxima(distance, width, height, { prominence: seedProminence, neckRatio: seedNeckRatio, quantum: Math.min(pixelSize.x, pixelSize.y) / 8 });
    seeds.forEach((pixel, k) => (labels[pixel] = k + 1));
    floodBasins(relief, labels, width, height);
    count = seeds.length;
  }
  count = mergeSmallSegments(labels, count, width, height, minArea / (pixelSize.x * pixelSize.y));
  drawWatershedLines(labels, relief, width, height, out);
  return { labels: out, count };
}

/** The probability with the expert's strokes painted in: membrane 255, cell 0 (a copy when any apply). */
export function applyCorrections(probability: Uint8Array, corrections: Uint8Array | null, n: number): Uint8Array {
  if (!corrections) return probability;
  if (corrections.length !== n) throw new RangeError(`watershed2d: the corrections hold ${corrections.length} pixels, but the slice has ${n}.`);
  let relief: Uint8Array | null = null;
  for (let i = 0; i < n; i++) {
    const label = corrections[i]!;
    if (label !== CORRECTION_MEMBRANE && label !== CORRECTION_CELL) continue;
    relief ??= probability.slice();
    relief[i] = label === CORRECTION_MEMBRANE ? 255 : 0;
  }
  return relief ?? probability;
}

