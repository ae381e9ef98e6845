import zlib from 'node:zlib';

let table: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3, as zip and PNG use) of the bytes. */
export function crc32(bytes: Uint8Array): number {
  // zlib.crc32 is native and fast, but only in Node 20.15+ / 22.2+.
  if (typeof zlib.crc32 === 'function') return zlib.crc32(bytes) >>> 0;
  return tableCrc32(bytes);
}

/** The portable fallback; exported so tests can check it against zlib's. */
export function tableCrc32(bytes: Uint8Array): number {
  table ??= makeTable();
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = table[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function makeTable(): Uint32Array {
  const result = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    result[n] = c >>> 0;
  }
  return result;
}
