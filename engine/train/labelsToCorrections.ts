import type { Volume } from '../io/Volume.js';
import { CORRECTION_LABEL, ISBI_CELL, ISBI_MEMBRANE, type SliceCorrection } from '../review/SliceCorrection.js';

/**
 * A label stack in the ISBI convention (0 membrane, 255 cell, any other value unlabelled),
 * optionally with a mask (nonzero = labelled), as per-slice corrections (0 unlabelled, 1
 * membrane, 2 cell), the form every training path learns from. Slices without a labelled pixel
 * are left out.
 */
export function labelsToCorrections(labels: Pick<Volume, 'width' | 'height' | 'depth' | 'data'>, mask: Pick<Volume, 'data'> | null = null): SliceCorrection[] {
  const plane = labels.width * labels.height;
  const out: SliceCorrection[] = [];
  for (let z = 0; z < labels.depth; z++) {
    const slice = new Uint8Array(plane);
    let any = false;
    for (let i = 0; i < plane; i++) {
      const j = z * plane + i;
      if (mask && mask.data[j] === 0) continue;
      const v = labels.data[j];
      const label = v === ISBI_MEMBRANE ? CORRECTION_LABEL.membrane : v === ISBI_CELL ? CORRECTION_LABEL.cell : CORRECTION_LABEL.unlabelled;
      slice[i] = label;
      if (label !== CORRECTION_LABEL.unlabelled) any = true;
    }
    if (any) out.push({ z, labels: slice });
  }
  return out;
}
