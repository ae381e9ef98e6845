import { LABEL } from '../../protocol/vocabulary.js';

/**
 * An expert's labels for one slice, as painted in the app: one byte per pixel, row-major,
 * `CORRECTION_LABEL` values. Strokes are sparse; most pixels stay unlabelled.
 */
export interface SliceCorrection {
  /** The slice (0-based) of the image stack. */
  z: number;
  labels: Uint8Array;
}

/** The contract's correction label values (protocol/vocabulary.ts), under the name the training and scoring code reads. */
export const CORRECTION_LABEL = LABEL;

/** ISBI 2012 label values (0 membrane, 255 cell); UNLABELLED is neither, which training ignores. */
export const ISBI_MEMBRANE = 0;
export const ISBI_CELL = 255;
export const ISBI_UNLABELLED = 128;

/**
 * Throws, naming the slice and what to fix, unless every correction is one slice of a
 * width × height × depth stack with values 0-2, and no slice comes twice.
 */
export function checkCorrections(corrections: readonly SliceCorrection[], width: number, height: number, depth: number): void {
  const seen = new Set<number>();
  for (const { z, labels } of corrections) {
    if (!Number.isInteger(z) || z < 0 || z >= depth) throw new RangeError(`A correction names slice ${z}, outside the stack (slices 0-${depth - 1}).`);
    if (seen.has(z)) throw new RangeError(`Slice ${z} has two corrections; merge them into one label image per slice.`);
    seen.add(z);
    if (labels.length !== width * height) {
      throw new RangeError(`The correction of slice ${z} holds ${labels.length} pixels, but the slices are ${width} × ${height} = ${width * height}.`);
    }
    for (let i = 0; i < labels.length; i++) {
      if (labels[i]! > CORRECTION_LABEL.cell) {
        throw new RangeError(
          `The correction of slice ${z} has the value ${labels[i]} at x ${i % width}, y ${Math.floor(i / width)}; use 0 (unlabelled), 1 (membrane) or 2 (cell).`,
        );
      }
    }
  }
}

/** How many pixels of a correction are labelled (membrane or cell). */
export function labelledPixelCount(labels: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] !== CORRECTION_LABEL.unlabelled) count++;
  return count;
}

/** A correction in ISBI values (0 membrane, 255 cell, ISBI_UNLABELLED elsewhere), into `out`. */
export function toIsbiLabels(labels: Uint8Array, out = new Uint8Array(labels.length)): Uint8Array {
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    out[i] = label === CORRECTION_LABEL.membrane ? ISBI_MEMBRANE : label === CORRECTION_LABEL.cell ? ISBI_CELL : ISBI_UNLABELLED;
  }
  return out;
}
