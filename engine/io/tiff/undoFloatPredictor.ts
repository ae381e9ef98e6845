/**
 * Undoes TIFF's floating point predictor (Predictor 3, Adobe Photoshop TIFF Technical Note 3) on
 * `rows` rows of `rowBytes` bytes each, in place. The encoder split each row's samples into byte
 * planes (most significant byte first) and differenced the bytes with a stride of `samplesPerPixel`;
 * we re-accumulate, then interleave the planes back into samples in the file's byte order.
 */
export function undoFloatPredictor(
  chunk: Uint8Array,
  rowBytes: number,
  rows: number,
  bytesPerSample: number,
  samplesPerPixel: number,
  littleEndian: boolean,
  scratch: Uint8Array,
): void {
  const samplesPerRow = rowBytes / bytesPerSample;
  for (let row = 0; row < rows; row++) {
    const start = row * rowBytes;
    const end = start + rowBytes;
    for (let i = start + samplesPerPixel; i < end; i++) chunk[i] = chunk[i]! + chunk[i - samplesPerPixel]!;
    scratch.set(chunk.subarray(start, end));
    for (let plane = 0; plane < bytesPerSample; plane++) {
      // Plane 0 holds the most significant bytes.
      const byteInSample = littleEndian ? bytesPerSample - 1 - plane : plane;
      const from = plane * samplesPerRow;
      for (let s = 0; s < samplesPerRow; s++) chunk[start + s * bytesPerSample + byteInSample] = scratch[from + s]!;
    }
  }
}

/** The encoder's side of `undoFloatPredictor`, for the TIFF writer. */
export function applyFloatPredictor(
  chunk: Uint8Array,
  rowBytes: number,
  rows: number,
  bytesPerSample: number,
  samplesPerPixel: number,
  littleEndian: boolean,
  scratch: Uint8Array,
): void {
  const samplesPerRow = rowBytes / bytesPerSample;
  for (let row = 0; row < rows; row++) {
    const start = row * rowBytes;
    const end = start + rowBytes;
    scratch.set(chunk.subarray(start, end));
    for (let plane = 0; plane < bytesPerSample; plane++) {
      const byteInSample = littleEndian ? bytesPerSample - 1 - plane : plane;
      const to = start + plane * samplesPerRow;
      for (let s = 0; s < samplesPerRow; s++) chunk[to + s] = scratch[s * bytesPerSample + byteInSample]!;
    }
    for (let i = end - 1; i >= start + samplesPerPixel; i--) chunk[i] = chunk[i]! - chunk[i - samplesPerPixel]!;
  }
}
