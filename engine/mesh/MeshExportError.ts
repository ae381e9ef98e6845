import { FileError } from '../base/CodedError.js';

/**
 * Why meshes could not be exported. Stable codes for the UI and the CLI:
 * - NO_FOLDER: the folder to write into is not there (its parent is missing)
 * - NOT_A_FOLDER: the output path is a file
 * - FOLDER_NOT_EMPTY: a precomputed dataset must get a new or empty folder of its own
 * - WRITE_FAILED: another file-system error (disk full, permission)
 * - NOT_IDS: the volume does not hold neuron ids (floating point voxels)
 * - NO_NEURONS: the volume, or the ids asked for, hold no neuron
 */
export type MeshExportErrorCode = 'NO_FOLDER' | 'NOT_A_FOLDER' | 'FOLDER_NOT_EMPTY' | 'WRITE_FAILED' | 'NOT_IDS' | 'NO_NEURONS';

/** What failed (message, naming the file), where (file) and what to do (hint). */
export class MeshExportError extends FileError<MeshExportErrorCode> {
  override name = 'MeshExportError';
}
