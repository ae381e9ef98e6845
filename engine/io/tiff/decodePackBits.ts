/**
 * Decodes PackBits (Apple's run-length code, TIFF compression 32773) into `output`; returns how
 * many bytes it wrote. A header byte n in 0..127 copies n + 1 literal bytes, -127..-1 repeats the
 * next byte 1 - n times, and -128 is a no-op.
 */
export function decodePackBits(input: Uint8Array, output: Uint8Array): number {
  let inPos = 0;
  let out = 0;
  const outLength = output.length;
  while (inPos < input.length && out < outLength) {
    const header = (input[inPos++]! << 24) >> 24;
    if (header >= 0) {
      const count = Math.min(header + 1, input.length - inPos, outLength - out);
      output.set(input.subarray(inPos, inPos + count), out);
      inPos += header + 1;
      out += count;
    } else if (header !== -128) {
      if (inPos >= input.length) break;
      const byte = input[inPos++]!;
      const count = Math.min(1 - header, outLength - out);
      output.fill(byte, out, out + count);
      out += count;
    }
  }
  return out;
}
