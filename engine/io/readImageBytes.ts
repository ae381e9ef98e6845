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
  if (bytes.length === 0) throw new VolumeReadError('NOT_AN_IMAGE', file, `${file} is empty (0 bytes).`, HINTS.recopy);
  const other = sniffOtherFormat(bytes);
  if (other) {
    throw new VolumeReadError('UNSUPPORTED', file, `${file} is a ${other} file, which Membrana cannot open.`, `Convert it to a TIFF stack (for example in Fiji: File › Save As › Tiff), then open that.`);
  }
  throw new VolumeReadError('NOT_AN_IMAGE', file, `${file} is not an image Membrana can read (it starts with ${describeStart(bytes)}).`, HINTS.formats);
}

/** The first bytes, as text when they are printable, else as hex, for the error message. */
function describeStart(bytes: Uint8Array): string {
  const start = bytes.subarray(0, 8);
  const printable = start.every((b) => (b >= 0x20 && b < 0x7f) || b === 0x0a || b === 0x0d || b === 0x09);
  if (printable) return JSON.stringify(Buffer.from(start).toString('latin1'));
  return Array.from(start, (b) => b.toString(16).padStart(2, '0')).join(' ');
}
