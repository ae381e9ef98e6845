import { TALLY_BLOCK } from '../metrics/pixelTallies.js';
import { CORRECTION_LABEL, labelledPixelCount, type SliceCorrection } from '../review/SliceCorrection.js';
import { Random } from '../base/Random.js';

/** Labelled pixels kept out of training, to judge a model by: per slice, the labels of just those pixels. */
export interface HeldOutSlice extends SliceCorrection {
  /** Every pixel of the slice is labelled: the ISBI segment scores (V_rand, V_info) mean something. */
  dense: boolean;
}

export interface HeldOutSplit {
  /** What training may learn from: the corrections less the held-out pixels (and a guard band around held-out tiles). */
  train: SliceCorrection[];
  heldOut: HeldOutSlice[];
  /** How the held-out pixels were chosen, for people. */
  how: string;
}

/** Pixels around a held-out tile that training does not learn from (the default guard band). */
export const HELD_OUT_GUARD = 8;

export interface SplitOptions {
  /** Share of the labelled pixels to set aside when no validation slice has labels (default 0.2). */
  share?: number;
  /** Edge of the tiles set aside whole (default TALLY_BLOCK, so a tile is one block of the noise estimate). */
  tile?: number;
  /** Pixels around a held-out tile that training does not learn from either (default 8). */
  guard?: number;
  seed?: number;
}

/**
 * Chooses what a training run is judged on. When validation slices hold labels, those slices
 * are held out whole (the user's choice). Otherwise about `share` of the labelled pixels are set
 * aside automatically as whole tiles (aligned to the block grid that scoring counts in), spread
 * over the corrected slices in turn, with a guard band around each tile left out of training so
 * that pixels next to a held-out pixel (nearly the same sample) do not leak into training. With
 * too few labelled tiles to spare two and keep one for training, nothing is held out.
 */
export function splitHeldOut(corrections: readonly SliceCorrection[], validation: ReadonlySet<number>, width: number, height: number, options: SplitOptions = {}): HeldOutSplit {
  const labelled = corrections.filter((c) => labelledPixelCount(c.labels) > 0);
  const userHeld = labelled.filter((c) => validation.has(c.z));
  if (userHeld.length > 0) {
    return {
      train: labelled.filter((c) => !validation.has(c.z)),
      heldOut: userHeld.map((c) => ({ z: c.z, labels: c.labels, dense: c.labels.every((v) => v !== CORRECTION_LABEL.unlabelled) })),
      how: `the corrections of validation slice${userHeld.length > 1 ? 's' : ''} ${userHeld.map((c) => c.z).join(', ')}`,
    };
  }
  const share = options.share ?? 0.2;
  const tile = options.tile ?? TALLY_BLOCK;
  const guard = options.guard ?? HELD_OUT_GUARD;
  if (!(share > 0 && share < 1)) throw new RangeError(`The held-out share must be between 0 and 1, not ${share}.`);
  const random = new Random(options.seed ?? 1);
  // Per slice, its tiles with labels, in a seeded random order.
  const tiles = labelled.map((c) => {
    const list: { x: number; y: number; count: number }[] = [];
    for (let y = 0; y < height; y += tile) {
      for (let x = 0; x < width; x += tile) {
        let count = 0;
        for (let yy = y; yy < Math.min(height, y + tile); yy++) for (let xx = x; xx < Math.min(width, x + tile); xx++) if (c.labels[yy * width + xx] !== CORRECTION_LABEL.unlabelled) count++;
        if (count > 0) list.push({ x, y, count });
      }
    }
    for (let k = list.length - 1; k > 0; k--) {
      const j = random.int(k + 1);
      [list[k], list[j]] = [list[j]!, list[k]!];
    }
    return list;
  });
  const total = tiles.reduce((n, list) => n + list.reduce((m, t) => m + t.count, 0), 0);
  const tileCount = tiles.reduce((n, list) => n + list.length, 0);
  if (tileCount < 3) return { train: [...labelled], heldOut: [], how: 'nothing: too few corrected tiles to set any aside' };
  const chosen: { x: number; y: number }[][] = labelled.map(() => []);
  let held = 0;
  let heldTiles = 0;
  // Round-robin over slices, one tile at a time, until the share is reached; always two tiles, never all.
  for (let round = 0; (held < share * total || heldTiles < 2) && heldTiles < tileCount - 1; round++) {
    for (let s = 0; s < labelled.length && (held < share * total || heldTiles < 2) && heldTiles < tileCount - 1; s++) {
      const next = tiles[s]![round];
      if (!next) continue;
      chosen[s]!.push(next);
      held += next.count;
      heldTiles++;
    }
  }
  const train: SliceCorrection[] = [];
  const heldOut: HeldOutSlice[] = [];
  labelled.forEach((c, s) => {
    if (chosen[s]!.length === 0) {
      train.push(c);
      return;
    }
    const kept = c.labels.slice();
    const out = new Uint8Array(c.labels.length);
    for (const { x, y } of chosen[s]!) {
      for (let yy = Math.max(0, y - guard); yy < Math.min(height, y + tile + guard); yy++) {
        for (let xx = Math.max(0, x - guard); xx < Math.min(width, x + tile + guard); xx++) {
          const i = yy * width + xx;
          if (yy >= y && yy < y + tile && xx >= x && xx < x + tile) out[i] = c.labels[i]!;
          kept[i] = CORRECTION_LABEL.unlabelled;
        }
      }
    }
    heldOut.push({ z: c.z, labels: out, dense: false });
    if (labelledPixelCount(kept) > 0) train.push({ z: c.z, labels: kept });
  });
  const pixels = heldOut.reduce((n, h) => n + labelledPixelCount(h.labels), 0);
  return { train, heldOut, how: `${heldTiles} tiles of ${tile}² (${pixels.toLocaleString('en')} corrected pixels, ${Math.round((100 * pixels) / total)}%) set aside automatically from slice${heldOut.length > 1 ? 's' : ''} ${heldOut.map((h) => h.z).join(', ')}` };
}
