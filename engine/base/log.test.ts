import { afterEach, describe, expect, it, vi } from 'vitest';
import { CodedError } from './CodedError.js';
import { addLogSink, formatLogLine, levelFromEnv, logger, logLevel, recentLogLines, setLogLevel, setStderrLevel, type LogEvent } from './log.js';

const at = new Date('2026-03-04T05:06:07.089Z');
const event = (over: Partial<LogEvent> = {}): LogEvent => ({ time: at, level: 'warn', source: 'project', message: 'Journal repaired', fields: {}, ...over });

/** Collects what reaches a sink at `level` and above; removed after each test. */
function collect(level?: LogEvent['level']): { lines: string[]; events: LogEvent[] } {
  const seen = { lines: [] as string[], events: [] as LogEvent[] };
  cleanups.push(
    addLogSink({
      ...(level ? { level } : {}),
      write: (e, line) => {
        seen.events.push(e);
        seen.lines.push(line);
      },
    }),
  );
  return seen;
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  setLogLevel('info');
  setStderrLevel('warn');
});

describe('formatLogLine', () => {
  it('writes ISO time, level, source, message, then key=value fields, quoting values that would not split back', () => {
    const line = formatLogLine(event({ fields: { file: '/data/my stack.tif', z: 12, ok: true, bytes: null, code: 'ENOSPC', gone: undefined, shape: { x: 1 } } }));
    expect(line).toBe('2026-03-04T05:06:07.089Z WARN  project: Journal repaired file="/data/my stack.tif" z=12 ok=true bytes=null code=ENOSPC shape="{\\"x\\":1}"');
  });

  it('keeps one event on one line: newlines in the message and in values are escaped', () => {
    const line = formatLogLine(event({ message: 'two\nlines', fields: { note: 'a\nb', eq: 'k=v' } }));
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toContain('project: two\\nlines note="a\\nb" eq="k=v"');
  });

  it('gives an error its code and message; at error level an unexpected one also gives its first stack frames', () => {
    const coded = new CodedError('ENOENT', 'No such file: /a.tif', { file: '/a.tif' });
    expect(formatLogLine(event({ level: 'error', fields: { error: coded } }))).toMatch(/ error="ENOENT: No such file: \/a\.tif"$/);
    const system = Object.assign(new Error("ENOSPC: no space left on device, write"), { code: 'ENOSPC' });
    expect(formatLogLine(event({ fields: { error: system } }))).toMatch(/ error="ENOSPC: no space left on device, write"$/);
    const bug = new TypeError("Cannot read properties of undefined (reading 'x')");
    const asError = formatLogLine(event({ level: 'error', fields: { error: bug } }));
    expect(asError).toMatch(/error="Cannot read properties of undefined \(reading 'x'\) \(at .*log\.test\.ts/);
    expect(asError.split('\n')).toHaveLength(1);
    expect(formatLogLine(event({ level: 'warn', fields: { error: bug } }))).not.toContain(' at ');
  });

  it('still writes a value JSON cannot (a cycle)', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(formatLogLine(event({ fields: { cycle } }))).toContain('cycle="[object Object]"');
  });
});

describe('logger', () => {
  it('drops events below the threshold and gives each sink the levels it asks for', () => {
    setStderrLevel('off');
    const all = collect();
    const errors = collect('error');
    const log = logger('test');
    log.debug('not at info');
    log.info('opened', { project: '/p' });
    log.warn('slow');
    log.error('failed');
    expect(all.events.map((e) => e.level)).toEqual(['info', 'warn', 'error']);
    expect(errors.events.map((e) => e.message)).toEqual(['failed']);
    expect(all.lines[0]).toMatch(/^\S+Z INFO {2}test: opened project=\/p$/);
    setLogLevel('debug');
    expect(logLevel()).toBe('debug');
    log.debug('now at debug');
    expect(all.events.at(-1)?.message).toBe('now at debug');
  });

  it('never throws: a sink that throws is passed over and the others still get the event', () => {
    setStderrLevel('off');
    cleanups.push(
      addLogSink({
        write: () => {
          throw new Error('disk on fire');
        },
      }),
    );
    const after = collect();
    expect(() => logger('test').warn('still said')).not.toThrow();
    expect(after.events.map((e) => e.message)).toEqual(['still said']);
  });

  it('keeps the recent lines in memory, oldest first, whatever the sinks', () => {
    setStderrLevel('off');
    const log = logger('memory');
    for (let k = 0; k < 5; k++) log.info(`line ${k}`);
    expect(recentLogLines(2).map((line) => line.replace(/^\S+ /, ''))).toEqual(['INFO  memory: line 3', 'INFO  memory: line 4']);
  });

  it('writes warnings and errors to stderr by default, not info', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    let written: string[];
    try {
      logger('serve').info('quiet');
      logger('serve').warn('loud', { port: 4173 });
      written = write.mock.calls.map(([text]) => String(text));
    } finally {
      write.mockRestore();
    }
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/ WARN {2}serve: loud port=4173\n$/);
  });
});

describe('levelFromEnv', () => {
  it('reads MEMBRANA_LOG_LEVEL, info when unset, and names an unknown value', () => {
    expect(levelFromEnv({})).toEqual({ level: 'info', problem: null });
    expect(levelFromEnv({ MEMBRANA_LOG_LEVEL: ' Debug ' })).toEqual({ level: 'debug', problem: null });
    const wrong = levelFromEnv({ MEMBRANA_LOG_LEVEL: 'verbose' });
    expect(wrong.level).toBe('info');
    expect(wrong.problem).toMatch(/MEMBRANA_LOG_LEVEL="verbose" is not a log level; use one of debug, info, warn, error/);
  });
});
