import { FileError } from '../base/CodedError.js';

/**
 * Why a volume could not be read. Stable codes for the UI and the CLI:
 * - ENOENT: the path does not exist; EACCES: no permission; READ_FAILED: another file-system error
 * - NOT_AN_IMAGE: the bytes are not an image format Membrana knows
 * - UNSUPPORTED: a known format, but a variant Membrana cannot decode (compression, sample type, ...)
 * - TRUNCATED: the file ends before its data does; CORRUPT: the data is inconsistent
 * - SIZE_MISMATCH: slices or pages of one stack differ in size or type
 * - EMPTY_FOLDER: a folder (or a drop) without any image
 * - TOO_LARGE: the volume does not fit in memory
 * - NOT_A_FILE: a device, pipe, socket (or a link to one) where a file was expected
 */
export type VolumeReadErrorCode =
  | 'ENOENT'
  | 'EACCES'
  | 'READ_FAILED'
  | 'NOT_AN_IMAGE'
  | 'UNSUPPORTED'
  | 'TRUNCATED'
  | 'CORRUPT'
  | 'SIZE_MISMATCH'
  | 'EMPTY_FOLDER'
  | 'TOO_LARGE'
  | 'NOT_A_FILE';

/** A volume that could not be read: what failed (message, naming the file), where (file) and what to do (hint). */
export class VolumeReadError extends FileError<VolumeReadErrorCode> {
  override name = 'VolumeReadError';
}

/** Hints shared by several readers. */
export const HINTS = {
  reexportTiff: 'Re-export the stack as an uncompressed, LZW or Deflate TIFF (for example with File › Save As › Tiff in Fiji).',
  recopy: 'The file is probably incomplete (an interrupted copy or download); copy or export it again.',
  formats: 'Open a TIFF stack, a PNG or JPEG image, or a folder of PNG/TIFF slices.',
  sameSize: 'Make every slice the same width, height and bit depth (for example by re-exporting the stack from Fiji), then open it again.',
  tooLarge: 'Crop or downsample the stack (for example in Fiji) so that it fits in memory, then open it again.',
} as const;
