/** An error a call reports to the UI: a stable code, what failed, and what to do about it. */
export class CallError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
    readonly file?: string,
  ) {
    super(message);
  }
}
