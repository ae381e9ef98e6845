const CLEAR = 256;
const EOI = 257;
const FIRST_FREE = 258;
/** The encoder starts a new table when the next free code reaches this (as libtiff does). */
const LAST_FREE = 4094;

// Open-addressing hash of (prefix code, next byte) -> code, as in compress(1) and libtiff:
// 9001 slots (a prime; at most 3836 are used) fit in the CPU cache, unlike a direct 1M-entry table.
const HASH_SIZE = 9001;
/** First probe: (byte << 5) ^ prefix code, below 8192 and so inside the table. */
const HASH_SHIFT = 5;
const hashKeys = new Int32Array(HASH_SIZE);
const hashCodes = new Uint16Array(HASH_SIZE);

/**
 * Encodes bytes as standard TIFF LZW (TIFF 6.0 section 13): codes 256 = clear and 257 = end of
 * information, 9 to 12 bits most-significant-bit first, with the "early change" that libtiff and
 * every other reader expect.
 */
export function encodeLzw(input: Uint8Array): Uint8Array {
  // 12-bit codes for single bytes are the worst case (1.5 bytes per byte), plus clears; grown if needed.
  let output = new Uint8Array(Math.ceil(input.length * 1.6) + 64);
  let outPos = 0;
  let bitBuffer = 0;
  let bitCount = 0;
  let width = 9;
  let next = FIRST_FREE;
  const keys = hashKeys;
  const codes = hashCodes;

  const put = (code: number): void => {
    bitBuffer = ((bitBuffer << width) | code) & 0xffffff;
    bitCount += width;
    while (bitCount >= 8) {
      if (outPos >= output.length) {
        const grown = new Uint8Array(output.length * 2);
        grown.set(output);
        output = grown;
      }
      bitCount -= 8;
      output[outPos++] = (bitBuffer >>> bitCount) & 0xff;
    }
  };
  // Widen when the decoder will: it adds each entry one code later than we do, which is why
  // the test is on `next` after our own addition. Reset the table when it is full.
  const afterAdd = (): void => {
    if (next === LAST_FREE) {
      put(CLEAR);
      keys.fill(-1);
      next = FIRST_FREE;
      width = 9;
    } else if (next > (1 << width) - 1) {
      width++;
    }
  };

  keys.fill(-1);
  put(CLEAR);
  if (input.length > 0) {
    let current = input[0]!;
    for (let i = 1; i < input.length; i++) {
      const byte = input[i]!;
      const key = (byte << 12) | current;
      let slot = (byte << HASH_SHIFT) ^ current;
      let found = -1;
      if (keys[slot] === key) {
        found = codes[slot]!;
      } else if (keys[slot]! >= 0) {
        // Secondary probe with a displacement that depends on the first slot.
        const step = slot === 0 ? 1 : HASH_SIZE - slot;
        do {
          slot -= step;
          if (slot < 0) slot += HASH_SIZE;
          if (keys[slot] === key) {
            found = codes[slot]!;
            break;
          }
        } while (keys[slot]! >= 0);
      }
      if (found >= 0) {
        current = found;
        continue;
      }
      put(current);
      keys[slot] = key;
      codes[slot] = next;
      next++;
      afterAdd();
      current = byte;
    }
    // The decoder adds an entry for the last code too, and may widen before reading EOI.
    put(current);
    next++;
    afterAdd();
  }
  put(EOI);
  if (bitCount > 0) {
    if (outPos >= output.length) {
      const grown = new Uint8Array(output.length + 1);
      grown.set(output);
      output = grown;
    }
    output[outPos++] = (bitBuffer << (8 - bitCount)) & 0xff;
  }
  return output.subarray(0, outPos);
}
