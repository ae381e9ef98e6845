/**
 * Separates touching segments by lines of label 0, about one pixel thick: of every pair of
 * 4-neighbours with different labels, the pixel more likely membrane (higher `relief`; the
 * lower-right one on ties) becomes 0. Afterwards no two 4-neighbours hold different non-zero
 * labels, so each segment is its own 4-connected component as the ISBI evaluation sees it, and
 * 3D meshes of neighbouring neurons do not share faces. Decisions use the labels before any line
 * was drawn, so a line is one pixel wide except where three segments meet or the line turns.
 */
export function drawWatershedLines(labels: Int32Array, relief: Uint8Array, width: number, height: number, out: Uint32Array): void {
  const n = width * height;
  if (labels.length !== n || relief.length !== n || out.length !== n) {
    throw new RangeError(`drawWatershedLines: labels (${labels.length}), relief (${relief.length}) and out (${out.length}) must hold ${width} × ${height} pixels.`);
  }
  for (let i = 0; i < n; i++) out[i] = labels[i]!;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const i = row + x;
      const a = labels[i]!;
      if (a === 0) continue;
      if (x < width - 1) {
        const b = labels[i + 1]!;
        if (b !== a && b !== 0) out[relief[i]! > relief[i + 1]! ? i : i + 1] = 0;
      }
      if (y < height - 1) {
        const b = labels[i + width]!;
        if (b !== a && b !== 0) out[relief[i]! > relief[i + width]! ? i : i + width] = 0;
      }
    }
  }
}
