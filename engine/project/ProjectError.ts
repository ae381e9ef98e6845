import { CodedError } from '../base/CodedError.js';

/**
 * Why a project operation failed. Stable codes for the UI and the CLI:
 * - NOT_A_PROJECT: the folder has no project.json; PROJECT_EXISTS: create() into a non-empty folder
 * - CORRUPT_PROJECT: project.json or a version.json is not valid; NEWER_PROJECT: written by a newer Membrana
 * - MISSING_IMAGE / BAD_IMAGE: image.tif is gone or unreadable, or does not match project.json
 * - CORRUPT_JOURNAL: journal.bin cannot be read back (left unchanged); JOURNAL_WRITE_FAILED: an
 *   edit could not be saved (and was not applied); JOURNAL_CLOSED: an edit after close()
 * - INVALID_EDIT: a paint, undo or validation mark with values outside the stack or label range
 * - CORRUPT_PREDICTION / INVALID_PREDICTION: a stored prediction of the wrong size / a bad one to store
 * - NO_SUCH_VERSION: an unknown model version; BAD_MODEL_FOLDER: a folder that is not a complete model
 * - TARGET_NOT_EMPTY: exporting a model into a folder that already holds files
 * - READ_FAILED: a project file could not be read for another reason (permissions, disk)
 */
export type ProjectErrorCode =
  | 'NOT_A_PROJECT'
  | 'PROJECT_EXISTS'
  | 'CORRUPT_PROJECT'
  | 'NEWER_PROJECT'
  | 'MISSING_IMAGE'
  | 'BAD_IMAGE'
  | 'CORRUPT_JOURNAL'
  | 'JOURNAL_WRITE_FAILED'
  | 'JOURNAL_CLOSED'
  | 'INVALID_EDIT'
  | 'CORRUPT_PREDICTION'
  | 'INVALID_PREDICTION'
  | 'NO_SUCH_VERSION'
  | 'BAD_MODEL_FOLDER'
  | 'TARGET_NOT_EMPTY'
  | 'READ_FAILED'
  | 'TOO_LARGE';

/** A project error for people: what failed (message, naming the file or value), where (file) and what to do (hint). */
export class ProjectError extends CodedError<ProjectErrorCode> {
  override name = 'ProjectError';
}
