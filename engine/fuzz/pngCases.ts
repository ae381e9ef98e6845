import zlib from 'node:zlib';
import type { Random } from '../base/Random.js';
import { chunk, pngFile } from '../io/testing/buildPng.js';

/** A folder of slice images to write: files, or links to somewhere else (a device, say). */
export interface FolderCase {
  name: string;
  entries: { name: string; bytes?: Uint8Array; link?: string }[];
  expect: 'reject' | 'either';
  note: string;
}

const W = 48;
const H = 40;

/** A PNG from its IHDR fields and raw scanlines (filter byte 0 per row), with correct CRCs. */
export function buildPng(width: number, height: number, options: { bitDepth?: number; colorType?: number; fill?: number; idat?: Uint8Array } = {}): Uint8Array {
  const bitDepth = options.bitDepth ?? 8;
  const colorType = options.colorType ?? 0;
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([bitDepth, colorType, 0, 0, 0], 8);
  const rowBytes = 1 + Math.ceil((Math.min(width, 4096) * bitDepth) / 8);
  const raw = new Uint8Array(rowBytes * Math.min(height, 64));
  for (let r = 0; r < Math.min(height, 64); r++) raw.fill(options.fill ?? (r * 5) & 255, r * rowBytes + 1, (r + 1) * rowBytes);
  const idat = options.idat ?? zlib.deflateSync(raw);
  return pngFile([chunk('IHDR', header), chunk('IDAT', idat)]);
}

function folder(name: string, broken: { name: string; bytes?: Uint8Array; link?: string }, note: string, expect: 'reject' | 'either' = 'reject'): FolderCase {
  return { name, entries: [{ name: 's00.png', bytes: buildPng(W, H) }, broken, { name: 's02.png', bytes: buildPng(W, H, { fill: 200 }) }], expect, note };
}

/** Folders of PNG slices with one slice broken in a known way, plus random damage to one slice. */
export function pngFolders(random: Random, randomCount: number): FolderCase[] {
  const good = buildPng(W, H, { fill: 100 });
  const cases: FolderCase[] = [
    folder('png-huge-ihdr', { name: 's01.png', bytes: buildPng(1_000_000, 1_000_000) }, 'one slice declares 10^6 × 10^6 pixels'),
    folder('png-huge-16bit', { name: 's01.png', bytes: buildPng(60000, 60000, { bitDepth: 16 }) }, 'one slice declares 60000² 16-bit pixels'),
    folder('png-bitdepth-3', { name: 's01.png', bytes: buildPng(W, H, { bitDepth: 3 }) }, 'bit depth 3'),
    folder('png-colortype-5', { name: 's01.png', bytes: buildPng(W, H, { colorType: 5 }) }, 'colour type 5'),
    folder('png-zero-width', { name: 's01.png', bytes: buildPng(0, H) }, 'width 0'),
    folder('png-bad-idat', { name: 's01.png', bytes: buildPng(W, H, { idat: Uint8Array.from({ length: 200 }, (_, i) => (i * 71) & 255) }) }, 'IDAT that is not zlib data'),
    folder('png-short-idat', { name: 's01.png', bytes: buildPng(W, H, { idat: zlib.deflateSync(new Uint8Array(30)) }) }, 'IDAT holding 30 of the rows\' bytes'),
    folder('png-other-size', { name: 's01.png', bytes: buildPng(W + 1, H) }, 'one slice 1 pixel wider'),
    folder('png-empty-file', { name: 's01.png', bytes: new Uint8Array(0) }, 'one slice of 0 bytes'),
    folder('png-text', { name: 's01.png', bytes: Buffer.from('not an image at all\n') }, 'a text file named .png'),
    folder('png-cut', { name: 's01.png', bytes: good.subarray(0, 60) }, 'one slice cut at byte 60'),
    folder('png-dev-zero', { name: 's01.png', link: '/dev/zero' }, 'one slice is a link to /dev/zero'),
    folder('png-dev-urandom', { name: 's01.png', link: '/dev/urandom' }, 'one slice is a link to /dev/urandom'),
    folder('png-dangling', { name: 's01.png', link: '/nonexistent/slice.png' }, 'one slice is a dangling link (skipped as not a file)', 'either'),
    folder('png-jpeg-cut', { name: 's01.jpg', bytes: new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1]) }, 'a JPEG cut after its header'),
    { name: 'png-empty-folder', entries: [], expect: 'reject', note: 'an empty folder' },
    { name: 'png-only-dotfiles', entries: [{ name: '.DS_Store', bytes: new Uint8Array(10) }, { name: 'Thumbs.db', bytes: new Uint8Array(10) }], expect: 'reject', note: 'only system files' },
  ];
  for (let i = 0; i < randomCount; i++) {
    const bytes = good.slice();
    const cut = random.next() < 0.4;
    let note: string;
    let damaged: Uint8Array = bytes;
    if (cut) {
      const at = random.between(8, bytes.length - 1);
      damaged = bytes.subarray(0, at);
      note = `slice cut at byte ${at} of ${bytes.length}`;
    } else {
      const at = random.between(8, bytes.length);
      bytes[at] = bytes[at]! ^ (1 << random.between(0, 8));
      note = `slice with byte ${at} flipped`;
    }
    // A flipped byte breaks a CRC or the zlib stream; readers may check either, so both must fail.
    cases.push(folder(`png-random-${i}`, { name: 's01.png', bytes: damaged }, note, 'reject'));
  }
  return cases;
}
