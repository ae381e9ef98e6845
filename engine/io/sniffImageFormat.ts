/** Image formats Membrana reads. */
export type ImageFormat = 'tiff' | 'png' | 'jpeg';

const startsWith = (bytes: Uint8Array, signature: readonly number[], at = 0) =>
  bytes.length >= at + signature.length && signature.every((b, i) => bytes[at + i] === b);
const ascii = (text: string) => Array.from(text, (c) => c.charCodeAt(0));

/** How many leading bytes sniffing needs (MRC's signature sits at byte 208). */
export const SNIFF_BYTES = 212;

/** The format of a file from its first bytes (never its name), or undefined. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (bytes.length < 4) return undefined;
  const b0 = bytes[0];
  const b1 = bytes[1];
  if ((b0 === 0x49 && b1 === 0x49 && bytes[2] === 42 && bytes[3] === 0) || (b0 === 0x4d && b1 === 0x4d && bytes[2] === 0 && bytes[3] === 42)) return 'tiff';
  if ((b0 === 0x49 && b1 === 0x49 && bytes[2] === 43 && bytes[3] === 0) || (b0 === 0x4d && b1 === 0x4d && bytes[2] === 0 && bytes[3] === 43)) return 'tiff'; // BigTIFF
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  return undefined;
}

/** Formats people drop by mistake, recognised so the error can name them. */
const OTHER_FORMATS: [string, (bytes: Uint8Array) => boolean][] = [
  ['GIF', (b) => startsWith(b, ascii('GIF8'))],
  ['BMP', (b) => startsWith(b, ascii('BM')) && b.length > 14],
  ['WebP', (b) => startsWith(b, ascii('RIFF')) && startsWith(b, ascii('WEBP'), 8)],
  ['JPEG 2000', (b) => startsWith(b, [0, 0, 0, 0x0c, 0x6a, 0x50, 0x20, 0x20]) || startsWith(b, [0xff, 0x4f, 0xff, 0x51])],
  ['HDF5', (b) => startsWith(b, [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a])],
  ['NRRD', (b) => startsWith(b, ascii('NRRD'))],
  ['MRC', (b) => startsWith(b, ascii('MAP '), 208)],
  ['DICOM', (b) => startsWith(b, ascii('DICM'), 128)],
  ['ZIP', (b) => startsWith(b, [0x50, 0x4b, 0x03, 0x04])],
  ['gzip', (b) => startsWith(b, [0x1f, 0x8b])],
  ['PDF', (b) => startsWith(b, ascii('%PDF'))],
];

/** The name of a known but unsupported format, or undefined. */
export function sniffOtherFormat(bytes: Uint8Array): string | undefined {
  return OTHER_FORMATS.find(([, test]) => test(bytes))?.[0];
}

/** File extensions of images; such a file that does not sniff as an image is an error, not noise. */
export const IMAGE_EXTENSION = /\.(tiff?|btf|tf8|png|jpe?g)$/i;
