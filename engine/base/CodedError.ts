/** Where an error points and what to do about it. */
export interface ErrorDetails {
  /** The file or folder the error is about. */
  file?: string;
  /** The files, when it is about several (a prediction and its labels). */
  files?: readonly string[];
  /** What the user can do about it, in one sentence. */
  hint?: string;
  /** The error this one explains. */
  cause?: unknown;
}

/**
 * The engine's one error base: a stable code that the UI, the CLI and tests match on, a message
 * that says what failed (naming the file or value), and where there are ones the file or files
 * and a hint. Every library's error is a subclass, constructed (code, message, details); what
 * crosses a process or thread boundary is its ErrorInfo (base/errorInfo.ts).
 */
export class CodedError<Code extends string = string> extends Error {
  override name = 'CodedError';
  readonly code: Code;
  declare readonly file?: string;
  declare readonly files?: readonly string[];
  declare readonly hint?: string;

  constructor(code: Code, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    // Only the details given become properties, so an error says no more than it knows.
    const self = this as { file?: string; files?: readonly string[]; hint?: string };
    if (details.file !== undefined) self.file = details.file;
    if (details.files !== undefined) self.files = details.files;
    if (details.hint !== undefined) self.hint = details.hint;
  }
}

/** What an error about one file gives: the file, and what to do. */
export type FileErrorDetails = ErrorDetails & { file: string; hint: string };

/** A CodedError that always names its file and says what to do (a reader's or a writer's error). */
export class FileError<Code extends string = string> extends CodedError<Code> {
  override name = 'FileError';
  declare readonly file: string;
  declare readonly hint: string;

  constructor(code: Code, message: string, details: FileErrorDetails) {
    super(code, message, details);
  }
}
