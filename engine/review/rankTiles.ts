import type { ReviewTile } from '../../protocol/contract.js';

/**
 * A square (or, at the right and bottom edges, cut-off) tile of one slice, with its uncertainty:
 * the mean binary entropy, in bits, of the membrane probability over the tile, 0 (sure) to 1.
 */
export type RankedTile = ReviewTile;

export interface RankTilesOptions {
  /** Keep only the best this many. */
  limit?: number;
  /** Tiles to leave out (already reviewed, say), by slice and top-left corner. */
  exclude?: (z: number, x: number, y: number) => boolean;
}

/** Binary entropy of p = v / 255, for each 8-bit value v. */
const ENTROPY = Float64Array.from({ length: 256 }, (_, v) => {
  const p = v / 255;
  return p <= 0 || p >= 1 ? 0 : -(p * Math.log2(p) + (1 - p) * Math.log2(1 - p));
});

/**
 * The tiles of predicted slices where the model is least sure, most uncertain first: where
 * the expert's corrections teach it most. `prediction` holds 8-bit membrane probabilities
 * (255 = membrane), one width × height slice each. The slices are cut into `tile` × `tile`
 * squares from the top left; tiles at the right and bottom edges are what remains. Ties keep
 * the order of `prediction`, then rows, then columns.
 */
export function rankUncertainTiles(
  prediction: readonly { z: number; data: Uint8Array }[],
  width: number,
  height: number,
  tile = 128,
  options: RankTilesOptions = {},
): RankedTile[] {
  for (const [name, value] of [['width', width], ['height', height], ['tile', tile]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`rankUncertainTiles: ${name} must be a positive whole number, not ${value}.`);
  }
  const tiles: RankedTile[] = [];
  for (const { z, data } of prediction) {
    if (data.length !== width * height) {
      throw new RangeError(`rankUncertainTiles: the prediction of slice ${z} holds ${data.length} pixels, but the slices are ${width} × ${height} = ${width * height}.`);
    }
    for (let y = 0; y < height; y += tile) {
      for (let x = 0; x < width; x += tile) {
        if (options.exclude?.(z, x, y)) continue;
        const w = Math.min(tile, width - x);
        const h = Math.min(tile, height - y);
        tiles.push({ z, x, y, width: w, height: h, score: meanEntropy(data, width, x, y, w, h) });
      }
    }
  }
  // Array.prototype.sort is stable, so ties stay in the order pushed.
  tiles.sort((a, b) => b.score - a.score);
  return options.limit === undefined ? tiles : tiles.slice(0, Math.max(0, options.limit));
}

/**
 * By value counts, so tiles with the same mix of values score exactly alike whatever their size
 * (a running sum would differ in rounding, and break ties).
 */
function meanEntropy(data: Uint8Array, width: number, x0: number, y0: number, w: number, h: number): number {
  const counts = new Uint32Array(256);
  for (let y = y0; y < y0 + h; y++) {
    const row = y * width;
    for (let x = x0; x < x0 + w; x++) counts[data[row + x]!]!++;
  }
  const pixels = w * h;
  let mean = 0;
  for (let v = 0; v < 256; v++) if (counts[v]! > 0) mean += ENTROPY[v]! * (counts[v]! / pixels);
  return mean;
}
