const CLEAR = 256;
const EOI = 257;
const FIRST_FREE = 258;
const MAX_BITS = 12;
const TABLE_SIZE = 1 << MAX_BITS;

// Reused across calls (decoding is synchronous), so a page of many strips allocates nothing.
const prefixes = new Uint16Array(TABLE_SIZE);
const suffixes = new Uint8Array(TABLE_SIZE);
const firstBytes = new Uint8Array(TABLE_SIZE);
const lengths = new Uint16Array(TABLE_SIZE);
for (let code = 0; code < 256; code++) {
  suffixes[code] = code;
  firstBytes[code] = code;
  lengths[code] = 1;
}

/**
 * Decodes TIFF LZW data into `output` and returns how many bytes it wrote (at most output.length;
 * decoding stops when output is full, at the end-of-information code or at the end of the input).
 *
 * Two dialects exist. Standard TIFF LZW packs codes most-significant-bit first and widens the code
 * one entry early ("early change"). Files written by libtiff before 1991 (still found in old
 * archives) pack codes least-significant-bit first without early change; libtiff recognises them
 * by their first two bytes (a clear code written LSB-first: 0x00, then a byte with bit 0 set),
 * and so do we.
 *
 * Throws an Error (without file context; the caller adds it) when the data is inconsistent.
 */
export function decodeLzw(input: Uint8Array, output: Uint8Array): number {
  const oldStyle = input.length >= 2 && input[0] === 0 && (input[1]! & 1) === 1;
  // A code widens once the next free entry reaches this many below the width's limit.
  const early = oldStyle ? 0 : 1;
  // Locals, not module bindings, in the hot loop.
  const prefix = prefixes;
  const suffix = suffixes;
  const first = firstBytes;
  const length = lengths;
  const outLength = output.length;
  const inLength = input.length;
  let inPos = 0;
  let bitBuffer = 0;
  let bitCount = 0;
  let width = 9;
  let mask = 511;
  let widenAt = (1 << width) - early;
  let next = FIRST_FREE;
  let previous = -1;
  let out = 0;

  while (out < outLength) {
    // Read one code of `width` bits.
    while (bitCount < width) {
      if (inPos >= inLength) return out; // no end-of-information code: the data simply ends
      if (oldStyle) bitBuffer |= input[inPos++]! << bitCount;
      else bitBuffer = ((bitBuffer << 8) | input[inPos++]!) & 0xffffff;
      bitCount += 8;
    }
    bitCount -= width;
    let code: number;
    if (oldStyle) {
      code = bitBuffer & mask;
      bitBuffer >>>= width;
    } else {
      code = (bitBuffer >>> bitCount) & mask;
    }

    if (code === EOI) break;
    if (code === CLEAR) {
      width = 9;
      mask = 511;
      widenAt = (1 << width) - early;
      next = FIRST_FREE;
      previous = -1;
      continue;
    }
    if (previous === -1) {
      if (code > 255) throw new Error(`LZW code ${code} follows a clear code (expected a literal byte)`);
      output[out++] = code;
      previous = code;
      continue;
    }
    let firstByte: number;
    if (code < 256) {
      output[out++] = code;
      firstByte = code;
    } else {
      if (code > next || (code === next && next >= TABLE_SIZE)) throw new Error(`LZW code ${code} is not defined yet (next free code is ${next})`);
      // code === next is the "KwKwK" case: the string being defined now, previous + its first byte.
      const known = code < next;
      const size = known ? length[code]! : length[previous]! + 1;
      firstByte = known ? first[code]! : first[previous]!;
      // Write the string backwards from its last byte, clipping at the end of output.
      let at = out + size - 1;
      let walk = code;
      if (!known) {
        if (at < outLength) output[at] = firstByte;
        at--;
        walk = previous;
      }
      while (at >= outLength) {
        walk = prefix[walk]!;
        at--;
      }
      while (at >= out) {
        output[at--] = suffix[walk]!;
        walk = prefix[walk]!;
      }
      out += size;
    }
    if (next < TABLE_SIZE) {
      prefix[next] = previous;
      suffix[next] = firstByte;
      first[next] = first[previous]!;
      length[next] = length[previous]! + 1;
      next++;
      if (next >= widenAt && width < MAX_BITS) {
        width++;
        mask = (1 << width) - 1;
        widenAt = (1 << width) - early;
      }
    }
    previous = code;
  }
  return Math.min(out, outLength);
}
