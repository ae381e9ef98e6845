import type { Volume } from '../io/Volume.js';
import type { Normalization } from '../model/modelFolder.js';
import { normalizeSlice } from '../model/normalizeSlice.js';
import { mirrorIndex as mirror } from '../predict/tileLayout.js';
import { labelledPixelCount, toIsbiLabels, type SliceCorrection } from '../review/SliceCorrection.js';
import { augmentPatch } from './augmentPatch.js';
import type { TrainingBatch } from './makeBatch.js';
import { scaleToUnit } from './makeBatch.js';
import type { Random } from './Random.js';

/** A corrected slice ready to cut patches from. */
export interface CorrectionSlice {
  z: number;
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
      return { z, scaled: scaleToUnit(images.data.subarray(z * plane, (z + 1) * plane)), labels: toIsbiLabels(labels), labelled };
    });
}

/**
 * One step's augmented patches for fine-tuning on sparse corrections: each from a random
 * corrected slice, placed so that it holds a random labelled pixel of it. A few strokes on a
 * 512² slice would leave most randomly placed patches without a label, costing a step for
 * nothing. So a window around the pixel (mirrored beyond the slice edge, as prediction pads) is
 * cut first, and augmentPatch (the augmentation of full training) cuts the patch within it,
 * wherever it lands holding the pixel away from its edges. Image values are normalised as
 * `normalization` says, per patch as makeBatch does.
 */
export function makeCorrectionBatch(
  slices: readonly CorrectionSlice[],
  width: number,
  height: number,
  batch: number,
  size: number,
  normalization: Normalization,
  random: Random,
): TrainingBatch {
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
    const slice = slices[random.int(slices.length)]!;
    const centre = slice.labelled[random.int(slice.labelled.length)]!;
    // augmentPatch starts the patch 0 to 2·margin pixels into the window, so a pixel
    // 2·margin + inset to size − inset − 1 pixels from the window's start is inside it, at least
    // inset from its edges, in every case.
    const play = size - 2 * margin - 2 * inset;
    const left = (centre % width) - 2 * margin - inset - random.int(play);
    const top = Math.floor(centre / width) - 2 * margin - inset - random.int(play);
    for (let y = 0; y < side; y++) {
      const row = mirror(top + y, height) * width;
      for (let x = 0; x < side; x++) {
        const from = row + mirror(left + x, width);
        image[y * side + x] = slice.scaled[from]!;
        labels[y * side + x] = slice.labels[from]!;
      }
    }
    const patch = augmentPatch(image, labels, null, side, side, size, random);
    out.x.set(normalizeSlice(patch.image, normalization), b * n);
    out.target.set(patch.target, b * n);
    out.weight.set(patch.weight, b * n);
  }
  return out;
}
