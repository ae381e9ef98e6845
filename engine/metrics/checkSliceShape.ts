/** Throws a RangeError naming the caller when an image of `length` pixels is not one `width × height` slice. */
export function checkSliceShape(caller: string, length: number, width: number, height: number): void {
  if (!Number.isInteger(width) || width < 1 || !Number.isInteger(height) || height < 1) {
    throw new RangeError(`${caller}: width and height must be positive integers, got ${width} × ${height}.`);
  }
  if (length !== width * height) {
    throw new RangeError(`${caller}: the image holds ${length} pixels but ${width} × ${height} = ${width * height} were expected; pass one slice, row-major.`);
  }
}
