import type { Volume } from './Volume.js';
import { HINTS, VolumeReadError } from './VolumeReadError.js';
import { readJpeg } from './readJpeg.js';
import { readPng } from './readPng.js';
import { readTiff } from './readTiff.js';
import { sniffImageFormat, sniffOtherFormat } from './sniffImageFormat.js';

/**
 * Reads one image file's bytes (TIFF stack, PNG or JPEG, recognised by their first bytes, not
 * the name). Throws VolumeReadError NOT_AN_IMAGE or UNSUPPORTED naming `file` for anything else.
 */
export function readImageBytes(bytes: Uint8Array, file: string): Volume {
  switch (sniffImageFormat(bytes)) {
    case 'tiff':
      return readTiff(bytes, file);
    case 'png':
      return readPng(bytes, file);
    case 'jpeg':
      return readJpeg(bytes, file);
    case undefined:
      break;
  }
  if (bytes.length === 0) throw new VolumeReadError('NOT_AN_IMAGE', `${file} is empty (0 bytes).`, { file, hint: HINTS.recopy });
  const other = sniffOtherFormat(bytes);
  if (other) {
    throw new VolumeReadError('UNSUPPORTED', `${file} is a ${other} file, which Membrana cannot open.`, { file, hint: `Convert it to a TIFF stack (for example in Fiji: File › Save As › Tiff), then open that.` });
  }
  throw new VolumeReadError('NOT_AN_IMAGE', `${file} is not an image Membrana can read (${describeKind(bytes)}).`, { file, hint: HINTS.formats });
}

const SIGNATURES: [string, number[]][] = [
  ['a PDF document', [0x25, 0x50, 0x44, 0x46]],
  ['a ZIP archive', [0x50, 0x4b, 0x03, 0x04]],
  ['gzip-compressed data', [0x1f, 0x8b]],
  ['a JPEG image', [0xff, 0xd8, 0xff]],
  ['a GIF image', [0x47, 0x49, 0x46, 0x38]],
  ['an HDF5 file', [0x89, 0x48, 0x44, 0x46]],
  ['an ELF program', [0x7f, 0x45, 0x4c, 0x46]],
];

/**
 * What the file seems to be, for the error message, without quoting its contents: a message
 * may reach a browser in serve mode, and must not leak what a file holds.
 */
function describeKind(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'it is empty';
  const known = SIGNATURES.find(([, signature]) => signature.every((b, i) => bytes[i] === b));
  if (known) return `it looks like ${known[0]}`;
  const start = bytes.subarray(0, 64);
  const text = start.every((b) => (b >= 0x20 && b < 0x7f) || b === 0x0a || b === 0x0d || b === 0x09);
  return text ? 'it looks like text' : 'its first bytes match no image format';
}
