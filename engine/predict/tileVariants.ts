/**
 * Test-time augmentation on plain arrays: variant k of the 8 flips/rotations of a stack of
 * tiles (bit 0 flips x, bit 1 flips y, bit 2 transposes, in that order), and the way back. The
 * same variants, in the same order, as the TensorFlow.js path (predictSlice's runTiles), so the
 * averages agree.
 */

/** Variants that keep the tile shape: 8 for square tiles, 4 (no transposes) otherwise. */
export function variantCount(tileHeight: number, tileWidth: number): number {
  return tileHeight === tileWidth ? 8 : 4;
}

/** Variant k of `count` tiles of height × width, into `out` (same length); transposing needs square tiles. */
export function transformTiles(tiles: Float32Array, count: number, height: number, width: number, k: number, out = new Float32Array(tiles.length)): Float32Array {
  walk(count, height, width, k, (to, from) => (out[to] = tiles[from]!));
  return out;
}

/** Adds the network's output for variant k back in the tiles' own orientation: `sum[i] += variant[...]`. */
export function addUntransformed(variant: Float32Array, count: number, height: number, width: number, k: number, sum: Float32Array): void {
  walk(count, height, width, k, (at, source) => (sum[source] = sum[source]! + variant[at]!));
}

/** Calls visit(index in the variant, index in the original) for every pixel of every tile. */
function walk(count: number, height: number, width: number, k: number, visit: (variant: number, original: number) => void): void {
  const flipX = (k & 1) !== 0, flipY = (k & 2) !== 0, transpose = (k & 4) !== 0;
  if (transpose && height !== width) throw new Error(`Cannot transpose ${height} × ${width} tiles; only square tiles have 8 variants.`);
  const size = height * width;
  for (let t = 0; t < count; t++) {
    const base = t * size;
    for (let r = 0; r < height; r++) {
      for (let c = 0; c < width; c++) {
        // Variant pixel (r, c) shows original pixel (y, x): undo the transpose, then the flips.
        const a = transpose ? c : r, b = transpose ? r : c;
        const y = flipY ? height - 1 - a : a, x = flipX ? width - 1 - b : b;
        visit(base + r * width + c, base + y * width + x);
      }
    }
  }
}
