import type { PaddedMask } from './marchingCubes.js';
import type { VoxelSizeNm } from './Mesh.js';

/**
 * Each mask voxel's signed distance (nm) to its outline within its own slice: negative inside,
 * positive outside, zero on the pixel boundary between the two, clamped to ±`reach`. A voxel just
 * inside the outline is −½ pixel, one just outside +½ pixel; a slice with no inside voxel is
 * `reach` everywhere. Exact Euclidean distances in physical units (anisotropic pixels allowed),
 * by Felzenszwalb and Huttenlocher's linear-time transform, rows then columns, twice per slice.
 */
export function sliceDistances(mask: PaddedMask, voxelSize: VoxelSizeNm, reach: number): Float32Array {
  if (!(reach > 0)) throw new RangeError(`The slice distance reach must be a positive number of nanometres, not ${reach}.`);
  const { data, width, height, depth } = mask;
  const plane = width * height;
  const half = Math.min(voxelSize.x, voxelSize.y) / 2;
  const result = new Float32Array(data.length);
  const toInside = new Float64Array(plane);
  const toOutside = new Float64Array(plane);
  const scratch = new LineScratch(Math.max(width, height));
  for (let k = 0; k < depth; k++) {
    const slice = data.subarray(k * plane, (k + 1) * plane);
    if (!slice.includes(1)) {
      // Nothing inside (the padding slices): as far out as the reach everywhere.
      result.fill(reach, k * plane, (k + 1) * plane);
      continue;
    }
    squaredDistances(slice, 1, width, height, voxelSize, toInside, scratch);
    squaredDistances(slice, 0, width, height, voxelSize, toOutside, scratch);
    for (let p = 0; p < plane; p++) {
      result[k * plane + p] = slice[p] ? -Math.min(Math.sqrt(toOutside[p]!) - half, reach) : Math.min(Math.sqrt(toInside[p]!) - half, reach);
    }
  }
  return result;
}

/** Buffers for one row or column of the 1D transform, reused for every line. */
class LineScratch {
  readonly input: Float64Array;
  readonly output: Float64Array;
  readonly apex: Int32Array;
  readonly boundary: Float64Array;
  constructor(length: number) {
    this.input = new Float64Array(length);
    this.output = new Float64Array(length);
    this.apex = new Int32Array(length);
    this.boundary = new Float64Array(length + 1);
  }
}

/** Squared distance (nm²) from every pixel of a slice to the nearest pixel whose value is `target`. */
function squaredDistances(slice: Uint8Array, target: number, width: number, height: number, voxelSize: VoxelSizeNm, out: Float64Array, scratch: LineScratch): void {
  const { input, output } = scratch;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) input[x] = slice[y * width + x] === target ? 0 : Infinity;
    distanceLine(input, width, voxelSize.x, output, scratch);
    for (let x = 0; x < width; x++) out[y * width + x] = output[x]!;
  }
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) input[y] = out[y * width + x]!;
    distanceLine(input, height, voxelSize.y, output, scratch);
    for (let y = 0; y < height; y++) out[y * width + x] = output[y]!;
  }
}

/**
 * The lower envelope of parabolas (q·step − p·step)² + f(p) over the finite f(p): the 1D squared
 * distance transform. Infinite samples add no parabola (their arithmetic would give NaN); a line
 * with none is Infinity throughout.
 */
function distanceLine(f: Float64Array, length: number, step: number, out: Float64Array, scratch: LineScratch): void {
  const { apex, boundary } = scratch;
  let top = -1;
  for (let q = 0; q < length; q++) {
    const fq = f[q]!;
    if (fq === Infinity) continue;
    const at = q * step;
    const heightQ = fq + at * at;
    let crossing = -Infinity;
    while (top >= 0) {
      const p = apex[top]!;
      const from = p * step;
      crossing = (heightQ - f[p]! - from * from) / (2 * (at - from));
      if (crossing > boundary[top]!) break;
      top--;
    }
    if (top < 0) crossing = -Infinity;
    top++;
    apex[top] = q;
    boundary[top] = crossing;
    boundary[top + 1] = Infinity;
  }
  if (top < 0) {
    out.fill(Infinity, 0, length);
    return;
  }
  let j = 0;
  for (let q = 0; q < length; q++) {
    const at = q * step;
    while (boundary[j + 1]! < at) j++;
    const p = apex[j]!;
    const gap = at - p * step;
    out[q] = gap * gap + f[p]!;
  }
}
