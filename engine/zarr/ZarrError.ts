import { FileError } from '../base/CodedError.js';

export type ZarrErrorCode =
  | 'NOT_OME_ZARR'
  | 'INVALID_METADATA'
  | 'UNSUPPORTED'
  | 'OUT_OF_BOUNDS'
  | 'ALREADY_EXISTS'
  | 'IDS_TOO_LARGE'
  | 'SOURCE'
  | 'CORRUPT_CHUNK'
  | 'NOT_A_FILE';

/** A problem with an OME-Zarr folder or an import into one: says which file, what is wrong and what to do. */
export class ZarrError extends FileError<ZarrErrorCode> {
  override name = 'ZarrError';
}

export const ZARR_HINTS = {
  reexport: 'Write the dataset again with a tool that follows the OME-NGFF 0.4 or 0.5 specification (for example ome-zarr-py, bioformats2raw, or `membrana import`).',
  region: 'Ask for a region inside the level: each range is [start, end) with 0 <= start < end <= the size of that axis.',
  cancelled: 'The import was cancelled; nothing was left behind. Run it again to finish.',
  corruptChunk: 'A chunk file is damaged (a copy cut short, or a disk error): copy the dataset again from its source, or rerun the step that wrote it. The other chunks are unaffected.',
} as const;
