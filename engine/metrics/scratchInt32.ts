const buffers = new Map<string, Int32Array>();

/**
 * A reusable Int32Array of at least `length` elements for work that does not outlive one call
 * (queues, run tables): allocating and zeroing megabytes per slice and threshold costs more than
 * the work itself. The contents are left over from the previous call: write before reading. The
 * buffers live as long as the module (a few MB for 512 × 512 slices); callers never return them.
 */
export function scratchInt32(name: string, length: number): Int32Array {
  let buffer = buffers.get(name);
  if (!buffer || buffer.length < length) {
    buffer = new Int32Array(length);
    buffers.set(name, buffer);
  }
  return buffer;
}
