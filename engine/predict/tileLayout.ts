/**
 * How a slice is cut into overlapping tiles for prediction, along one axis. Tiles overlap by
 * 2 × overlap; each pixel's prediction is a weighted blend of the tiles covering it, with weights
 * falling to ~0 within `overlap` of a tile edge, so no seams show. The slice is mirror-padded by
 * at least `overlap` on both sides, so border pixels get context too.
 */
export interface AxisLayout {
  /** Tile length (a multiple of `multiple`). */
  tile: number;
  /** Distance between tile starts. */
  step: number;
  /** Tile starts, in padded coordinates. */
  origins: number[];
  /** Padding before the slice's first pixel (= overlap). */
  before: number;
  /** Padded length: (count - 1) × step + tile. */
  padded: number;
}

export function layoutAxis(length: number, maxTile: number, overlap: number, multiple: number): AxisLayout {
  if (!(length > 0)) throw new Error(`Cannot tile an axis of length ${length}.`);
  if (maxTile < 2 * overlap + multiple) throw new Error(`Tile size ${maxTile} is too small for overlap ${overlap}.`);
  const usable = maxTile - 2 * overlap;
  const count = Math.max(1, Math.ceil(length / usable));
  const tile = roundUp(Math.ceil(length / count) + 2 * overlap, multiple);
  const step = tile - 2 * overlap;
  const origins = Array.from({ length: count }, (_, i) => i * step);
  return { tile, step, origins, before: overlap, padded: (count - 1) * step + tile };
}

function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}

/**
 * Blend weight along a tile: ~0 over the outer quarter of the overlap (pixels there lack context
 * on one side, so their predictions are the least trustworthy), then rising linearly to 1.
 * Never exactly 0, so a pixel only tile edges cover still gets a prediction. Tiles overlap by
 * 2 × overlap, so every image pixel lies in the full-weight part of some tile.
 */
export function blendRamp(tile: number, overlap: number): Float32Array {
  const ramp = new Float32Array(tile);
  const dead = overlap / 4;
  for (let i = 0; i < tile; i++) {
    const fromEdge = Math.min(i, tile - 1 - i) + 0.5;
    ramp[i] = overlap > 0 ? Math.max(1e-6, Math.min(1, (fromEdge - dead) / (overlap - dead))) : 1;
  }
  return ramp;
}

/** Folds any index into [0, n) by mirroring at the edges without repeating them (reflect-101). */
export function mirrorIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let m = ((i % period) + period) % period;
  if (m >= n) m = period - m;
  return m;
}
