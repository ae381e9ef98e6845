import type { LogEntry, LogLevel } from '../../protocol/contract.js';
import { formatLogLine, type LogEvent, type LogSink } from '../base/log.js';

export interface LogEventOptions {
  /** The least level sent; default 'warn' (info and debug stay in the file). */
  level?: LogLevel;
  /** At most this many events per window; default 20. */
  burst?: number;
  /** The window, in ms; default 10 s. */
  windowMs?: number;
  /** The clock (tests). */
  now?: () => number;
}

/**
 * The log as the UI's `log` event: warnings and errors, at most `burst` per window, so a failure
 * that repeats on every tile cannot flood the pages. What is held back is counted and said in
 * one line when the next window opens.
 */
export function logEventSink(send: (entry: LogEntry) => void, options: LogEventOptions = {}): LogSink {
  const burst = options.burst ?? 20;
  const windowMs = options.windowMs ?? 10_000;
  const now = options.now ?? Date.now;
  let windowStart = -Infinity;
  let sent = 0;
  let held = 0;
  return {
    level: options.level ?? 'warn',
    write(event: LogEvent, line: string): void {
      const time = now();
      if (time - windowStart >= windowMs) {
        windowStart = time;
        sent = 0;
        if (held > 0) {
          const note: LogEvent = { time: new Date(time), level: 'warn', source: 'log', message: `${held} more warnings and errors were not sent to the window (too many at once); the log file has them all`, fields: {} };
          send(toEntry(note, formatLogLine(note)));
          sent++;
          held = 0;
        }
      }
      if (sent >= burst) {
        held++;
        return;
      }
      sent++;
      send(toEntry(event, line));
    },
  };
}

function toEntry(event: LogEvent, line: string): LogEntry {
  return { level: event.level, source: event.source, message: event.message, line };
}
