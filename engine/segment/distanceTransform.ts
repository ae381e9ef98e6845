/** Physical size of a pixel along x and y (any length unit; distances come out in it). */
export interface PixelSpacing {
  x: number;
  y: number;
}

export interface DistanceTransformOptions {
  /** Default 1 × 1: distances in pixels. */
  spacing?: PixelSpacing;
  /** Return squared distances (saves the square roots). Default false. */
  squared?: boolean;
  /** Where to write the result (width × height), to reuse a buffer between slices. */
  out?: Float32Array;
}

/**
 * Exact Euclidean distance transform of a row-major `width × height` mask: for every pixel with
 * mask ≠ 0, the distance to the nearest pixel with mask = 0; 0 on those pixels; Infinity
 * everywhere when the mask has no zero pixel. Pixels may be anisotropic (`spacing`).
 *
 * Felzenszwalb & Huttenlocher (2012), "Distance transforms of sampled functions": the squared
 * transform separates into a 1D lower envelope of parabolas along each row, then along each
 * column of the result; linear time. The parabolas sit at physical positions (index × spacing),
 * which is all anisotropy changes.
 */
export function distanceTransform(mask: Uint8Array, width: number, height: number, options: DistanceTransformOptions = {}): Float32Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || mask.length !== width * height) {
    throw new RangeError(`distanceTransform: the mask holds ${mask.length} pixels, not ${width} × ${height}; pass one slice and its size.`);
  }
  const spacing = options.spacing ?? { x: 1, y: 1 };
  if (!(spacing.x > 0 && spacing.y > 0 && Number.isFinite(spacing.x) && Number.isFinite(spacing.y))) {
    throw new RangeError(`distanceTransform: the pixel spacing must be positive and finite, got ${spacing.x} × ${spacing.y}.`);
  }
  const out = options.out ?? new Float32Array(width * height);
  if (out.length !== width * height) throw new RangeError(`distanceTransform: out holds ${out.length} values, not ${width} × ${height}.`);

  const longest = Math.max(width, height);
  const envelope = new EnvelopeScratch(longest);
  // Squared distances in float64 between the passes: float32 would round them before the column pass.
  const rows = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    const start = y * width;
    for (let x = 0; x < width; x++) envelope.values[x] = mask[start + x] === 0 ? 0 : FAR;
    envelope.transform(width, spacing.x);
    rows.set(envelope.result.subarray(0, width), start);
  }
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) envelope.values[y] = rows[y * width + x]!;
    envelope.transform(height, spacing.y);
    const result = envelope.result;
    for (let y = 0; y < height; y++) {
      const squared = result[y]!;
      out[y * width + x] = squared >= FAR ? Infinity : options.squared ? squared : Math.sqrt(squared);
    }
  }
  return out;
}

/** Stands for "no zero pixel on this line": finite, since Infinity − Infinity in the envelope would be NaN. */
const FAR = 1e30;

/** Buffers for the 1D transform, sized for the longest line. */
class EnvelopeScratch {
  /** Input: the sampled function (0 at zero pixels, FAR elsewhere, or the previous pass). */
  readonly values: Float64Array;
  /** Output: min over q of (spacing·(p − q))² + values[q]. */
  readonly result: Float64Array;
  /** Indices of the parabolas in the lower envelope. */
  private readonly vertices: Int32Array;
  /** Boundaries between the envelope's parabolas (in index units). */
  private readonly bounds: Float64Array;

  constructor(length: number) {
    this.values = new Float64Array(length);
    this.result = new Float64Array(length);
    this.vertices = new Int32Array(length);
    this.bounds = new Float64Array(length + 1);
  }

  transform(n: number, spacing: number): void {
    const { values: f, result, vertices: v, bounds: z } = this;
    // Work in index units with the spacing folded into the function: (s(p−q))² + f = s²((p−q)² + f/s²).
    const scale = 1 / (spacing * spacing);
    let k = 0;
    v[0] = 0;
    z[0] = -Infinity;
    z[1] = Infinity;
    for (let q = 1; q < n; q++) {
      const fq = f[q]! * scale + q * q;
      let r = v[k]!;
      let s = (fq - (f[r]! * scale + r * r)) / (2 * (q - r));
      // z[0] is −∞, so this stops at k = 0 at the latest.
      while (s <= z[k]!) {
        k--;
        r = v[k]!;
        s = (fq - (f[r]! * scale + r * r)) / (2 * (q - r));
      }
      k++;
      v[k] = q;
      z[k] = s;
      z[k + 1] = Infinity;
    }
    k = 0;
    for (let p = 0; p < n; p++) {
      while (z[k + 1]! < p) k++;
      const r = v[k]!;
      result[p] = spacing * spacing * ((p - r) * (p - r)) + f[r]!;
    }
  }
}
