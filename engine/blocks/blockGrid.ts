import type { Progress } from '../../protocol/contract.js';
/**
 * The blocks a large [z, y, x] volume is predicted in. Blocks are whole output chunks (a block
 * may span several chunks in y/x, never part of one), so each block's write replaces whole
 * chunk files and two jobs never write the same chunk. Each block is read with a halo in y/x,
 * so the network sees real neighbouring pixels at block edges and no seams show.
 */
/** What every block-wise step takes besides its own inputs. */
export interface BlockRunOptions {
  /** The blocks to run (default: all); e.g. blocksForShare(grid, i, N). */
  blocks?: number[];
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  /** Called when a block is written and marked done. */
  onBlock?: (block: number) => void;
}

export interface BlockGrid {
  /** Volume shape [z, y, x]. */
  shape: [number, number, number];
  /** Block shape [z, y, x]: a whole number of output chunks along each axis. */
  block: [number, number, number];
  /** Extra pixels read on each side in y and x (mirrored at the volume border). */
  halo: number;
  /** Blocks along each axis [z, y, x]. */
  counts: [number, number, number];
}

/** One block: its index and the half-open ranges it covers, without the halo. */
export interface Block {
  index: number;
  z: [number, number];
  y: [number, number];
  x: [number, number];
}

export interface BlockGridOptions {
  /** Halo in y/x; use at least the model's tile overlap (its context). */
  halo: number;
  /**
   * Smallest block edge in y/x (default 512): small chunks are grouped into bigger blocks,
   * because each block pays for its halo and for the network's padding once.
   */
  minEdge?: number;
}

/** The grid for a volume of `shape` stored in `chunks` ([z, y, x] each). */
export function blockGrid(shape: readonly number[], chunks: readonly number[], options: BlockGridOptions): BlockGrid {
  if (shape.length !== 3 || chunks.length !== 3) throw new Error(`Block prediction needs a [z, y, x] volume and chunking, not shape [${shape.join(', ')}] with chunks [${chunks.join(', ')}].`);
  for (let a = 0; a < 3; a++) {
    if (!(Number.isInteger(shape[a]) && shape[a]! > 0)) throw new Error(`Volume shape [${shape.join(', ')}] must be positive whole numbers.`);
    if (!(Number.isInteger(chunks[a]) && chunks[a]! > 0)) throw new Error(`Chunk shape [${chunks.join(', ')}] must be positive whole numbers.`);
  }
  if (!(Number.isInteger(options.halo) && options.halo >= 0)) throw new Error(`The block halo must be a whole number of pixels (0 or more), not ${options.halo}.`);
  const minEdge = options.minEdge ?? 512;
  const grow = (a: number): number => {
    const chunk = chunks[a]!;
    // Whole chunks, at least minEdge, but no bigger than the (chunk-rounded) volume.
    const wanted = chunk * Math.max(1, Math.ceil(minEdge / chunk));
    return Math.min(wanted, chunk * Math.ceil(shape[a]! / chunk));
  };
  const block: [number, number, number] = [chunks[0]!, grow(1), grow(2)];
  const counts = [0, 1, 2].map((a) => Math.ceil(shape[a]! / block[a]!)) as [number, number, number];
  return { shape: [shape[0]!, shape[1]!, shape[2]!], block, halo: options.halo, counts };
}

/** Number of blocks in the grid. */
export function blockCount(grid: BlockGrid): number {
  return grid.counts[0] * grid.counts[1] * grid.counts[2];
}

/** Block `index` (z-major, then y, then x), clipped to the volume. */
export function blockAt(grid: BlockGrid, index: number): Block {
  if (!(Number.isInteger(index) && index >= 0 && index < blockCount(grid))) throw new Error(`Block ${index} is out of range (the grid has ${blockCount(grid)} blocks).`);
  const [, ny, nx] = grid.counts;
  const bz = Math.floor(index / (ny * nx));
  const by = Math.floor(index / nx) % ny;
  const bx = index % nx;
  const range = (a: number, b: number): [number, number] => [b * grid.block[a]!, Math.min(grid.shape[a]!, (b + 1) * grid.block[a]!)];
  return { index, z: range(0, bz), y: range(1, by), x: range(2, bx) };
}

/**
 * The blocks of share `share` of `shares`: block k belongs to share k mod shares. Deterministic,
 * so independent jobs given i/N for every i cover each block exactly once; interleaved, so each
 * share gets a similar mix of border and interior blocks.
 */
export function blocksForShare(grid: BlockGrid, share: number, shares: number): number[] {
  if (!(Number.isInteger(shares) && shares >= 1)) throw new Error(`The number of shares must be a whole number (1 or more), not ${shares}.`);
  if (!(Number.isInteger(share) && share >= 0 && share < shares)) throw new Error(`Share ${share} is out of range: give a share from 0 to ${shares - 1} of ${shares}.`);
  const out: number[] = [];
  for (let k = share; k < blockCount(grid); k += shares) out.push(k);
  return out;
}

/** Parses `--blocks i/N` (share i of N, counting from 0). */
export function parseShare(text: string): { share: number; shares: number } {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const share = match ? Number(match[1]) : NaN;
  const shares = match ? Number(match[2]) : NaN;
  if (!match || !(shares >= 1) || !(share < shares)) throw new Error(`--blocks must be i/N with 0 ≤ i < N (for example 0/4), not "${text}".`);
  return { share, shares };
}
