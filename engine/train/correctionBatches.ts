import type { Volume } from '../io/Volume.js';
import type { Normalization } from '../model/modelFolder.js';
import { normalizeSlice } from '../model/normalizeSlice.js';
import { mirrorIndex as mirror } from '../predict/tileLayout.js';
import { labelledPixelCount, toIsbiLabels, type SliceCorrection } from '../review/SliceCorrection.js';
import { augmentPatch } from './augmentPatch.js';
import type { TrainingBatch } from './makeBatch.js';
import { scaleToUnit } from './makeBatch.js';
import type { Random } from '../base/Random.js';

/** A corrected slice ready to cut patches from. */
export interface CorrectionSlice {
  z: number;
  width: number;
  height: number;
  /** The image slice scaled to [0, 1] (augmentPatch works in that range). */
  scaled: Float32Array;
  /** The correction in ISBI values; unlabelled pixels are neither 0 nor 255, so they weigh 0. */
  labels: Uint8Array;
  /** Row-major indices of the labelled pixels, to centre patches on. */
  labelled: Uint32Array;
}

/** The corrected slices with a labelled pixel, prepared for makeCorrectionBatch. */
export function correctionSlices(images: Pick<Volume, 'width' | 'height' | 'data'>, corrections: readonly SliceCorrection[]): CorrectionSlice[] {
  const plane = images.width * images.height;
  return corrections
    .filter((c) => labelledPixelCount(c.labels) > 0)
    .map(({ z, labels }) => {
      const labelled = new Uint32Array(labelledPixelCount(labels));
      let n = 0;
      for (let i = 0; i < labels.length; i++) if (labels[i] !== 0) labelled[n++] = i;
      return { z, width: images.width, height: images.height, scaled: scaleToUnit(images.data.subarray(z * plane, (z + 1) * plane)), labels: toIsbiLabels(labels), labelled };
    });
}

/** Where a batch's patches come from: the slices trained on, and optionally a replay set of the model's original training data. */
export interface BatchSources {
  train: readonly CorrectionSlice[];
  replay?: readonly CorrectionSlice[];
  /** Chance that a patch comes from the replay set (0 when there is none). */
  replayShare?: number;
}

/**
 * One step's augmented patches, for every kind of training (dense labels from scratch, sparse
 * corrections, a replay set mixed in): each from a random slice, placed so that it holds a
 * random labelled pixel of it. A few strokes on a 512² slice would leave most randomly placed
 * patches without a label, costing a step for nothing; with dense labels a random labelled pixel
 * is a random pixel, so patches fall uniformly as before. A window around the pixel is cut first
 * (inside the slice where it fits, mirrored beyond the edge where it does not, as prediction
 * pads), and augmentPatch cuts the patch within it, wherever it lands holding the pixel away from
 * its edges. Each patch comes from the replay set with chance `replayShare`. Image values are
 * normalised as `normalization` says, per patch.
 */
export function makeCorrectionBatch(sources: BatchSources, batch: number, size: number, normalization: Normalization, random: Random): TrainingBatch {
  const slices = sources.train;
  const replay = sources.replay ?? [];
  const replayShare = replay.length > 0 ? (sources.replayShare ?? 0) : 0;
  if (slices.length === 0) throw new Error('makeCorrectionBatch needs at least one corrected slice with labelled pixels.');
  // Context around the patch for the elastic warp to read from.
  const margin = Math.min(16, Math.floor(size / 8));
  // How far from the patch edge the chosen pixel stays, so the warp (6 px standard deviation)
  // seldom pushes it out.
  const inset = Math.min(32, Math.floor(size / 8));
  const side = size + 2 * margin;
  const image = new Float32Array(side * side);
  const labels = new Uint8Array(side * side);
  const n = size * size;
  const out: TrainingBatch = { count: batch, size, x: new Float32Array(batch * n), target: new Float32Array(batch * n), weight: new Float32Array(batch * n) };
  for (let b = 0; b < batch; b++) {
    const from = replayShare > 0 && random.chance(replayShare) ? replay : slices;
    const slice = from[random.int(from.length)]!;
    const { width, height } = slice;
    const centre = slice.labelled[random.int(slice.labelled.length)]!;
    // augmentPatch starts the patch 0 to 2·margin pixels into the window, so a pixel
    // 2·margin + inset to size − inset − 1 pixels from the window's start is inside it, at least
    // inset from its edges, in every case. Where the window fits the slice it is moved inside
    // (the pixel stays in it, nearer an edge): real context rather than a mirror image.
    const play = size - 2 * margin - 2 * inset;
    const inside = (start: number, extent: number): number => (extent >= side ? Math.min(Math.max(start, 0), extent - side) : start);
    const left = inside((centre % width) - 2 * margin - inset - random.int(play), width);
    const top = inside(Math.floor(centre / width) - 2 * margin - inset - random.int(play), height);
    for (let y = 0; y < side; y++) {
      const row = mirror(top + y, height) * width;
      for (let x = 0; x < side; x++) {
        const at = row + mirror(left + x, width);
        image[y * side + x] = slice.scaled[at]!;
        labels[y * side + x] = slice.labels[at]!;
      }
    }
    const patch = augmentPatch(image, labels, null, side, side, size, random);
    out.x.set(normalizeSlice(patch.image, normalization), b * n);
    out.target.set(patch.target, b * n);
    out.weight.set(patch.weight, b * n);
  }
  return out;
}
