import * as zarr from 'zarrita';
import { mirrorIndex } from '../predict/tileLayout.js';
import type { Block } from './blockGrid.js';

/** A [z, y, x] volume that can be read a box at a time (a Zarr array, or anything else). */
export interface VolumeSource {
  shape: [number, number, number];
  /** How it is stored, [z, y, x], if in chunks: slice statistics are sampled a chunk at a time. */
  chunks?: [number, number, number];
  /** Voxels of the half-open box, in C order (x fastest). */
  read(z: [number, number], y: [number, number], x: [number, number], signal?: AbortSignal): Promise<ArrayLike<number>>;
}

const NUMERIC = new Set(['uint8', 'uint16', 'uint32', 'int8', 'int16', 'int32', 'float32', 'float64']);

/** A zarrita array as a VolumeSource. */
export function zarrSource(array: zarr.Array<zarr.DataType, zarr.Readable>): VolumeSource {
  if (array.shape.length !== 3) throw new Error(`Block prediction needs a [z, y, x] array, not one of shape [${array.shape.join(', ')}].`);
  if (!NUMERIC.has(array.dtype)) throw new Error(`Cannot predict on ${array.dtype} voxels: the image must be 8/16/32-bit integers or float.`);
  return {
    shape: [array.shape[0]!, array.shape[1]!, array.shape[2]!],
    chunks: [array.chunks[0]!, array.chunks[1]!, array.chunks[2]!],
    async read(z, y, x, signal) {
      const chunk = await zarr.get(array, [zarr.slice(z[0], z[1]), zarr.slice(y[0], y[1]), zarr.slice(x[0], x[1])], { opts: { signal } });
      const { data, shape, stride } = chunk as { data: ArrayLike<number>; shape: number[]; stride: number[] };
      // zarrita returns C order for plain arrays; copy in case a codec handed back another order.
      if (stride[2] === 1 && stride[1] === shape[2] && stride[0] === shape[1]! * shape[2]!) return data;
      const out = new Float64Array(shape[0]! * shape[1]! * shape[2]!);
      let i = 0;
      for (let a = 0; a < shape[0]!; a++) for (let b = 0; b < shape[1]!; b++) for (let c = 0; c < shape[2]!; c++) out[i++] = data[a * stride[0]! + b * stride[1]! + c * stride[2]!]!;
      return out;
    },
  };
}

/** A block's slices with the halo, as float32 raw voxels: depth slices of height × width. */
export interface HaloedBlock {
  depth: number;
  height: number;
  width: number;
  /** Halo rows above the block and columns left of it: block pixel (r, c) is haloed (r + top, c + left). */
  top: number;
  left: number;
  slices: Float32Array<ArrayBuffer>[];
}

/**
 * Reads `block` plus `halo` pixels on each side in y/x, or `edgeHalo` on a side at the volume
 * border. Beyond the border the halo is mirrored (reflect-101, as predictSlice pads), so with
 * `edgeHalo` the tile overlap, border blocks see what a whole-slice prediction would.
 */
export async function readHaloedBlock(source: VolumeSource, block: Block, halo: number, signal?: AbortSignal, edgeHalo = halo): Promise<HaloedBlock> {
  const [, volumeHeight, volumeWidth] = source.shape;
  const before = (start: number): number => (start === 0 ? edgeHalo : halo);
  const after = (end: number, length: number): number => (end >= length ? edgeHalo : halo);
  const top = before(block.y[0]), left = before(block.x[0]);
  const rows = mirroredRange(block.y[0] - top, block.y[1] + after(block.y[1], volumeHeight), volumeHeight);
  const columns = mirroredRange(block.x[0] - left, block.x[1] + after(block.x[1], volumeWidth), volumeWidth);
  // Read the box the mirrored indices fall in (the block's own box plus the real halo).
  const y: [number, number] = [Math.min(...rows), Math.max(...rows) + 1];
  const x: [number, number] = [Math.min(...columns), Math.max(...columns) + 1];
  const data = await source.read(block.z, y, x, signal);
  const boxHeight = y[1] - y[0], boxWidth = x[1] - x[0];
  const depth = block.z[1] - block.z[0], height = rows.length, width = columns.length;
  const slices: Float32Array<ArrayBuffer>[] = [];
  for (let s = 0; s < depth; s++) {
    const slice = new Float32Array(height * width);
    const base = s * boxHeight * boxWidth;
    for (let r = 0; r < height; r++) {
      const row = base + (rows[r]! - y[0]) * boxWidth - x[0];
      for (let c = 0; c < width; c++) slice[r * width + c] = data[row + columns[c]!]!;
    }
    slices.push(slice);
  }
  return { depth, height, width, top, left, slices };
}

function mirroredRange(start: number, end: number, length: number): number[] {
  return Array.from({ length: end - start }, (_, i) => mirrorIndex(start + i, length));
}
