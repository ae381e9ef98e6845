import type { LogEntry } from '../../../protocol/contract.js';

/** How many lines the window keeps. */
export const UI_LOG_LINES = 200;

/**
 * The window's own log, for Help › Copy diagnostics: problems the page met (settings it could not
 * read, a backend that did not start), and the warnings and errors the engine sent as `log`
 * events, which are the only record left when the engine itself can no longer be asked. Each goes
 * to the console too. Lines have the engine log's form: ISO time, level, source, message.
 */
export class UiLog {
  readonly #lines: { line: string; fromEngine: boolean }[] = [];

  constructor(private readonly limit = UI_LOG_LINES) {}

  warn(message: string): void {
    console.warn(message);
    this.#add(`${new Date().toISOString()} WARN  ui: ${oneLine(message)}`, false);
  }

  error(message: string): void {
    console.error(message);
    this.#add(`${new Date().toISOString()} ERROR ui: ${oneLine(message)}`, false);
  }

  /** A `log` event from the engine (its line is already formatted). */
  engine(entry: LogEntry): void {
    this.#add(oneLine(entry.line), true);
  }

  /** The window's own lines, oldest first. */
  ownLines(): string[] {
    return this.#lines.filter((l) => !l.fromEngine).map((l) => l.line);
  }

  /** The engine's warnings and errors as this window received them, oldest first. */
  engineLines(): string[] {
    return this.#lines.filter((l) => l.fromEngine).map((l) => l.line);
  }

  #add(line: string, fromEngine: boolean): void {
    this.#lines.push({ line, fromEngine });
    if (this.#lines.length > this.limit) this.#lines.splice(0, this.#lines.length - this.limit);
  }
}

function oneLine(text: string): string {
  return text.replace(/\r?\n/g, '\\n');
}

/** This window's log (one page, one log, like its console). */
export const uiLog = new UiLog();
