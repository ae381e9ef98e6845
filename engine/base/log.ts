import type { LogLevel } from '../../protocol/contract.js';
import { CodedError } from './CodedError.js';

export type { LogLevel };

/** The levels, least severe first. */
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** Values that make an event findable: the file, the project, the value refused. */
export type LogFields = Record<string, unknown>;

/** One thing that happened, as every sink receives it (with its one-line form). */
export interface LogEvent {
  time: Date;
  level: LogLevel;
  /** Which part of the app said it: 'engine', 'serve', 'electron', 'predict', … */
  source: string;
  message: string;
  fields: LogFields;
}

/** Where events go: a file, stderr, the UI. A sink never throws (the logger drops what it throws). */
export interface LogSink {
  /** Events below this level are not given to the sink; default: the logger's threshold. */
  readonly level?: LogLevel;
  write(event: LogEvent, line: string): void;
}

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** How many formatted lines this thread keeps in memory (for diagnostics when no file is written). */
export const RECENT_LINES = 500;

export function levelRank(level: LogLevel): number {
  return LOG_LEVELS.indexOf(level);
}

export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && (LOG_LEVELS as readonly string[]).includes(value);
}

/**
 * The threshold MEMBRANA_LOG_LEVEL asks for: 'info' when unset; an unknown value is refused with
 * a problem naming it (the caller logs it) and 'info' is used.
 */
export function levelFromEnv(env: NodeJS.ProcessEnv = process.env): { level: LogLevel; problem: string | null } {
  const raw = env.MEMBRANA_LOG_LEVEL?.trim().toLowerCase();
  if (!raw) return { level: 'info', problem: null };
  if (isLogLevel(raw)) return { level: raw, problem: null };
  return { level: 'info', problem: `MEMBRANA_LOG_LEVEL="${env.MEMBRANA_LOG_LEVEL}" is not a log level; use one of ${LOG_LEVELS.join(', ')}. Logging at info.` };
}

/**
 * An event as one line: ISO time, level, source, message, then key=value fields. Newlines in the
 * message or a value are escaped, so one event is always one line, and a value with spaces,
 * quotes or '=' is quoted (JSON), so the line splits back into its fields.
 */
export function formatLogLine(event: LogEvent): string {
  const fields = Object.entries(event.fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${formatValue(value, event.level)}`);
  return [event.time.toISOString(), event.level.toUpperCase().padEnd(5), `${event.source}:`, oneLine(event.message), ...fields].join(' ');
}

function formatValue(value: unknown, level: LogLevel): string {
  if (value instanceof Error) return quoteIfNeeded(describeError(value, level));
  if (typeof value === 'string') return quoteIfNeeded(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || typeof value === 'bigint') return String(value);
  try {
    return quoteIfNeeded(JSON.stringify(value) ?? String(value));
  } catch {
    // A value JSON cannot write (a cycle): its name is still worth a field.
    return quoteIfNeeded(Object.prototype.toString.call(value));
  }
}

/**
 * An error as a field: its code and message; at error level an unexpected error (no CodedError,
 * so no message written for people) also gives its first stack frames, which is what a bug
 * report needs.
 */
function describeError(error: Error, level: LogLevel): string {
  const code = (error as { code?: unknown }).code;
  // Node's system errors start their message with the code already.
  const text = typeof code === 'string' && !error.message.startsWith(code) ? `${code}: ${error.message}` : error.message;
  if (level !== 'error' || error instanceof CodedError || !error.stack) return text;
  const frames = error.stack
    .split('\n')
    .filter((line) => line.trimStart().startsWith('at '))
    .slice(0, 4)
    .map((line) => line.trim());
  return frames.length > 0 ? `${text} (${frames.join(' < ')})` : text;
}

function oneLine(text: string): string {
  return text.replace(/\r?\n/g, '\\n');
}

function quoteIfNeeded(text: string): string {
  return /^[^\s"=\\]+$/.test(text) ? text : JSON.stringify(text);
}

/** Problems go to stderr (the terminal of `npm run serve`, of the CLI, of Electron) at `level` and above. */
class StderrSink implements LogSink {
  constructor(readonly level: LogLevel) {}
  write(_event: LogEvent, line: string): void {
    process.stderr.write(`${line}\n`);
  }
}

/** The logging state of this thread: threshold, sinks and the most recent lines. */
class LogHub {
  threshold: LogLevel;
  readonly sinks = new Set<LogSink>();
  private readonly recent: string[] = [];

  constructor() {
    const { level, problem } = levelFromEnv();
    this.threshold = level;
    this.sinks.add(new StderrSink('warn'));
    if (problem) this.emit('warn', 'log', problem, {});
  }

  emit(level: LogLevel, source: string, message: string, fields: LogFields): void {
    if (levelRank(level) < levelRank(this.threshold)) return;
    const event: LogEvent = { time: new Date(), level, source, message, fields };
    let line: string;
    try {
      line = formatLogLine(event);
    } catch {
      // A field whose getter throws: the event still says what happened.
      line = formatLogLine({ ...event, fields: {} });
    }
    this.remember(line);
    for (const sink of this.sinks) {
      if (sink.level && levelRank(level) < levelRank(sink.level)) continue;
      try {
        sink.write(event, line);
      } catch {
        // Logging must never break the code that logs; a sink that fails says so itself.
      }
    }
  }

  remember(line: string): void {
    this.recent.push(line);
    if (this.recent.length > RECENT_LINES) this.recent.splice(0, this.recent.length - RECENT_LINES);
  }

  recentLines(limit: number): string[] {
    return this.recent.slice(Math.max(0, this.recent.length - limit));
  }
}

const hub = new LogHub();

/** A logger for one part of the app; `source` starts each of its lines. */
export function logger(source: string): Logger {
  return {
    debug: (message, fields = {}) => hub.emit('debug', source, message, fields),
    info: (message, fields = {}) => hub.emit('info', source, message, fields),
    warn: (message, fields = {}) => hub.emit('warn', source, message, fields),
    error: (message, fields = {}) => hub.emit('error', source, message, fields),
  };
}

/** The threshold below which events are dropped everywhere (MEMBRANA_LOG_LEVEL, default info). */
export function logLevel(): LogLevel {
  return hub.threshold;
}

export function setLogLevel(level: LogLevel): void {
  hub.threshold = level;
}

/** Adds a sink (a log file, the UI's `log` event); returns the function that removes it. */
export function addLogSink(sink: LogSink): () => void {
  hub.sinks.add(sink);
  return () => hub.sinks.delete(sink);
}

/** Takes stderr's sink away (tests that check what goes there) or puts a new one at `level`. */
export function setStderrLevel(level: LogLevel | 'off'): void {
  for (const sink of hub.sinks) if (sink instanceof StderrSink) hub.sinks.delete(sink);
  if (level !== 'off') hub.sinks.add(new StderrSink(level));
}

/** This thread's last `limit` lines, oldest first (all of them go to memory, whatever the sinks). */
export function recentLogLines(limit = 200): string[] {
  return hub.recentLines(limit);
}

/** A line that did not come through a logger (a sink's own failure), kept with the recent lines. */
export function rememberLogLine(line: string): void {
  hub.remember(line);
}

