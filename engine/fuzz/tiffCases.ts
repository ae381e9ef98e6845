import zlib from 'node:zlib';
import { writeTiff } from '../io/writeTiff.js';
import { encodeLzw } from '../io/tiff/encodeLzw.js';
import { craftTiff, greyEntries, type CraftEntry } from './craftTiff.js';
import type { Random } from '../base/Random.js';

/** One malformed file: its bytes, whether every reader must refuse it, and what was done to it. */
export interface FileCase {
  name: string;
  bytes: Uint8Array;
  /** 'reject': it breaks the format, so every command must refuse it; 'either': it may still be a valid file. */
  expect: 'reject' | 'either';
  note: string;
}

const W = 48;
const H = 40;
const D = 3;

function ramp(length: number, scale: number): number[] {
  return Array.from({ length }, (_, i) => (i * 37) % scale);
}

/** Valid stacks in the layouts writeTiff makes: the seeds that truncations and byte flips start from. */
export function tiffSeeds(): { name: string; bytes: Uint8Array }[] {
  const u8 = Uint8Array.from(ramp(W * H * D, 256));
  const u16 = Uint16Array.from(ramp(W * H * D, 65536));
  const f32 = Float32Array.from(ramp(W * H * D, 1000), (v) => v / 1000);
  const ids = Uint32Array.from({ length: W * H * D }, (_, i) => 1 + ((Math.floor((i % (W * H)) / W / 10) * 5 + Math.floor((i % W) / 12)) % 17));
  const voxelSize = { x: 4, y: 4, z: 50, unit: 'nm' as const };
  const volume = (dtype: 'uint8' | 'uint16' | 'uint32' | 'float32', data: Uint8Array | Uint16Array | Uint32Array | Float32Array) => ({ width: W, height: H, depth: D, dtype, data, voxelSize });
  return [
    { name: 'u8-raw', bytes: writeTiff(volume('uint8', u8)) },
    { name: 'u8-lzw', bytes: writeTiff(volume('uint8', u8), { compression: 'lzw' }) },
    { name: 'u8-deflate', bytes: writeTiff(volume('uint8', u8), { compression: 'deflate', predictor: true }) },
    { name: 'u16-lzw', bytes: writeTiff(volume('uint16', u16), { compression: 'lzw', predictor: true }) },
    { name: 'f32-deflate', bytes: writeTiff(volume('float32', f32), { compression: 'deflate', predictor: true }) },
    { name: 'ids-deflate', bytes: writeTiff(volume('uint32', ids), { compression: 'deflate' }) },
    { name: 'u8-bigtiff', bytes: craftTiff([0, 1, 2].map((z) => ({ entries: greyEntries(W, H, 8), chunks: [u8.subarray(z * W * H, (z + 1) * W * H)] })), { bigTiff: true }) },
    { name: 'u8-tiled-be', bytes: craftTiff([{ entries: tiledEntries(), chunks: [0, 1, 2, 3].map(() => new Uint8Array(32 * 32).fill(90)), tiled: true }], { littleEndian: false }) },
  ];
}

function tiledEntries(): CraftEntry[] {
  return [
    { tag: 256, type: 3, values: [64] },
    { tag: 257, type: 3, values: [64] },
    { tag: 258, type: 3, values: [8] },
    { tag: 259, type: 3, values: [1] },
    { tag: 262, type: 3, values: [1] },
    { tag: 322, type: 3, values: [32] },
    { tag: 323, type: 3, values: [32] },
  ];
}

/** Random damage to the seeds: truncations at many offsets and byte flips in every region. */
export function damagedTiffs(random: Random, count: number): FileCase[] {
  const seeds = tiffSeeds();
  const cases: FileCase[] = [];
  for (let i = 0; i < count; i++) {
    const seed = seeds[i % seeds.length]!;
    const bytes = seed.bytes.slice();
    const mode = random.pick(['truncate', 'truncate', 'flip-header', 'flip-ifd', 'flip-data', 'flip-many'] as const);
    if (mode === 'truncate') {
      const at = random.between(0, bytes.length - 1);
      cases.push({ name: `${seed.name}-cut${at}.tif`, bytes: bytes.slice(0, at), expect: 'reject', note: `${seed.name} cut at byte ${at} of ${bytes.length}` });
      continue;
    }
    // writeTiff puts each page's IFD after its strips, so the last quarter is mostly directories.
    const region = mode === 'flip-header' ? [0, 8] : mode === 'flip-ifd' ? [Math.floor(bytes.length * 0.75), bytes.length] : [8, Math.floor(bytes.length * 0.75)];
    const flips = mode === 'flip-many' ? random.between(2, 40) : 1;
    const where: number[] = [];
    for (let f = 0; f < flips; f++) {
      const at = mode === 'flip-many' ? random.between(0, bytes.length) : random.between(region[0]!, region[1]!);
      bytes[at] = bytes[at]! ^ (1 << random.between(0, 8)) ^ (random.next() < 0.3 ? 0xff : 0);
      where.push(at);
    }
    cases.push({ name: `${seed.name}-${mode}${i}.tif`, bytes, expect: 'either', note: `${seed.name} with bytes ${where.slice(0, 6).join(', ')}${where.length > 6 ? ', …' : ''} flipped` });
  }
  return cases;
}

/** Files that break the TIFF specification in one known way each: all must be refused. */
export function structuredTiffs(): FileCase[] {
  const pixels = new Uint8Array(W * H).fill(7);
  const one = (entries: CraftEntry[], chunks: Uint8Array[] = [pixels], options: { littleEndian?: boolean; bigTiff?: boolean } = {}) => craftTiff([{ entries, chunks }], options);
  const reject = (name: string, bytes: Uint8Array, note: string): FileCase => ({ name: `${name}.tif`, bytes, expect: 'reject', note });
  const zeros = zlib.deflateSync(new Uint8Array(1 << 20));
  const cases: FileCase[] = [
    reject('huge-page-100000', one(greyEntries(100000, 100000, 8)), 'declares 100000 × 100000 pixels on one page with a small strip'),
    reject('huge-page-honest-count', craftHugeStrip(), 'declares 100000 × 100000 and one strip of 4 GiB'),
    reject('huge-float64-deflate', one(greyEntries(30000, 30000, 64, [], 8, 3), [zeros]), '30000² float64 page of 1 MiB of deflated zeros'),
    reject('huge-u16-lzw', one(greyEntries(60000, 60000, 16, [], 5), [encodeLzw(new Uint8Array(4096))]), '60000² 16-bit page, 4 KiB of LZW'),
    reject('zero-width', one(greyEntries(0, H, 8)), 'width 0'),
    reject('bits-3', one(greyEntries(W, H, 3)), '3-bit samples'),
    reject('bits-12', one(greyEntries(W, H, 12)), '12-bit samples'),
    reject('bits-24', one(greyEntries(W, H, 24)), '24-bit samples'),
    reject('bits-0', one(greyEntries(W, H, 0)), '0-bit samples'),
    reject('bits-64-uint', one(greyEntries(W, H, 64)), '64-bit unsigned samples'),
    reject('sampleformat-complex', one(greyEntries(W, H, 32, [], 1, 6)), 'complex float samples'),
    reject('sampleformat-0', one(greyEntries(W, H, 8, [], 1, 0)), 'SampleFormat 0'),
    reject('compression-jpeg', one(greyEntries(W, H, 8, [], 7)), 'JPEG compression'),
    reject('compression-99', one(greyEntries(W, H, 8, [], 99)), 'unknown compression 99'),
    reject('lzw-garbage', one(greyEntries(W, H, 8, [], 5), [Uint8Array.from({ length: 300 }, (_, i) => (i * 97) & 255)]), 'LZW compression over random bytes'),
    reject('deflate-garbage', one(greyEntries(W, H, 8, [], 8), [Uint8Array.from({ length: 300 }, (_, i) => (i * 89) & 255)]), 'Deflate compression over random bytes'),
    reject('deflate-short', one(greyEntries(W, H, 8, [], 8), [zlib.deflateSync(new Uint8Array(100))]), 'Deflate data holding 100 of the 1920 bytes'),
    reject('strip-past-end', patchFirstStripOffset(one(greyEntries(W, H, 8)), 0x7ffffff0), 'strip offset past the end of the file'),
    reject('no-pages', noPages(), 'the first IFD offset is 0'),
    reject('ifd-loop', ifdLoop(), 'the IFD chain points back to itself'),
    reject('swapped-bigtiff', swapOrder(one(greyEntries(W, H, 8), [pixels], { bigTiff: true })), 'BigTIFF with its byte order mark swapped'),
    reject('bigtiff-huge-entry-count', bigTiffEntryCount(), 'BigTIFF IFD declaring 2^40 entries'),
    reject('huge-tag-count', one(greyEntries(W, H, 8, [{ tag: 270, type: 2, values: [65, 0], count: 0xfffffff0 }])), 'ImageDescription declaring 4 billion characters'),
    reject('huge-strip-count', one(greyEntries(W, H, 8, [{ tag: 273, type: 4, values: [8], count: 0x40000000 }])), 'StripOffsets declaring 2^30 values'),
    reject('rows-per-strip-0', one([...greyEntries(W, H, 8).filter((e) => e.tag !== 278), { tag: 278, type: 4, values: [0] }]), 'RowsPerStrip 0'),
    reject('tile-zero', craftTiff([{ entries: tiledEntries().map((e) => (e.tag === 322 ? { ...e, values: [0] } : e)), chunks: [pixels], tiled: true }]), 'tile width 0'),
    reject('palette-no-colormap', one(greyEntries(W, H, 8).map((e) => (e.tag === 262 ? { ...e, values: [3] } : e))), 'palette image without a ColorMap'),
    reject('rgb-one-sample', one(greyEntries(W, H, 8).map((e) => (e.tag === 262 ? { ...e, values: [2] } : e))), 'RGB with one sample per pixel'),
    reject('spp-0', one(greyEntries(W, H, 8).map((e) => (e.tag === 277 ? { ...e, values: [0] } : e))), '0 samples per pixel'),
    reject('imagej-million-images', one(greyEntries(W, H, 8, [{ tag: 270, type: 2, values: [...Buffer.from('ImageJ=1.54f\nimages=1000000\nslices=1000000\n'), 0] }])), 'ImageJ description promising a million contiguous images'),
    reject('unknown-type-width', one([{ tag: 256, type: 99, values: [W] }, ...greyEntries(W, H, 8).filter((e) => e.tag !== 256)]), 'ImageWidth with field type 99'),
    reject('width-rational', one([{ tag: 256, type: 5, values: [W, 0] }, ...greyEntries(W, H, 8).filter((e) => e.tag !== 256)]), 'ImageWidth as the rational 48/0'),
    reject('width-negative', one([{ tag: 256, type: 9, values: [-48] }, ...greyEntries(W, H, 8).filter((e) => e.tag !== 256)]), 'ImageWidth -48'),
    reject('predictor-7', one(greyEntries(W, H, 8, [{ tag: 317, type: 3, values: [7] }], 8), [zlib.deflateSync(pixels)]), 'Predictor 7'),
    reject('header-only', new Uint8Array([0x49, 0x49, 42, 0, 8, 0, 0, 0]), 'a header pointing at an IFD that is not there'),
  ];
  return cases;
}

function craftHugeStrip(): Uint8Array {
  const bytes = craftTiff([{ entries: greyEntries(100000, 100000, 8), chunks: [new Uint8Array(64)] }]);
  return patchTag(bytes, 279, 0xffffff00);
}

/** Sets the first value of a LONG/SHORT tag in the first IFD of a little-endian classic TIFF. */
function patchTag(bytes: Uint8Array, tag: number, value: number): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ifd = view.getUint32(4, true);
  const count = view.getUint16(ifd, true);
  for (let i = 0; i < count; i++) {
    const at = ifd + 2 + i * 12;
    if (view.getUint16(at, true) !== tag) continue;
    if (view.getUint16(at + 2, true) === 3) view.setUint16(at + 8, value, true);
    else view.setUint32(at + 8, value >>> 0, true);
  }
  return bytes;
}

function patchFirstStripOffset(bytes: Uint8Array, offset: number): Uint8Array {
  return patchTag(bytes, 273, offset);
}

function noPages(): Uint8Array {
  const bytes = craftTiff([{ entries: greyEntries(W, H, 8), chunks: [new Uint8Array(W * H)] }]);
  new DataView(bytes.buffer).setUint32(4, 0, true);
  return bytes;
}

function ifdLoop(): Uint8Array {
  const bytes = craftTiff([{ entries: greyEntries(W, H, 8), chunks: [new Uint8Array(W * H)] }]);
  const view = new DataView(bytes.buffer);
  const ifd = view.getUint32(4, true);
  const count = view.getUint16(ifd, true);
  view.setUint32(ifd + 2 + count * 12, ifd, true);
  return bytes;
}

function swapOrder(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  out[0] = out[1] = out[0] === 0x49 ? 0x4d : 0x49;
  return out;
}

function bigTiffEntryCount(): Uint8Array {
  const bytes = craftTiff([{ entries: greyEntries(W, H, 8), chunks: [new Uint8Array(W * H)] }], { bigTiff: true });
  const view = new DataView(bytes.buffer);
  const ifd = Number(view.getBigUint64(8, true));
  view.setBigUint64(ifd, 2n ** 40n, true);
  return bytes;
}
