import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../protocol/contract.js';
import { formatLogLine, type LogEvent } from '../base/log.js';
import { logEventSink } from './logEvents.js';

const event = (message: string, level: LogEvent['level'] = 'warn'): LogEvent => ({ time: new Date(0), level, source: 'zarr', message, fields: { file: '/v.zarr' } });

describe('logEventSink', () => {
  it('sends warnings and errors as the log event, with the file\'s line', () => {
    const sent: LogEntry[] = [];
    const sink = logEventSink((entry) => sent.push(entry));
    expect(sink.level).toBe('warn');
    const warning = event('Chunk unreadable');
    sink.write(warning, formatLogLine(warning));
    expect(sent).toEqual([{ level: 'warn', source: 'zarr', message: 'Chunk unreadable', line: '1970-01-01T00:00:00.000Z WARN  zarr: Chunk unreadable file=/v.zarr' }]);
  });

  it('sends at most `burst` per window and says how many it held back when the next window opens', () => {
    let now = 1000;
    const sent: LogEntry[] = [];
    const sink = logEventSink((entry) => sent.push(entry), { burst: 3, windowMs: 10_000, now: () => now });
    for (let k = 0; k < 50; k++) sink.write(event(`tile ${k}`), `line ${k}`);
    expect(sent.map((e) => e.message)).toEqual(['tile 0', 'tile 1', 'tile 2']);
    now += 9_999;
    sink.write(event('still held'), 'x');
    expect(sent).toHaveLength(3);
    now += 1;
    sink.write(event('next window', 'error'), 'y');
    expect(sent.slice(3).map((e) => [e.level, e.message])).toEqual([
      ['warn', '48 more warnings and errors were not sent to the window (too many at once); the log file has them all'],
      ['error', 'next window'],
    ]);
    expect(sent[3]!.line).toMatch(/WARN {2}log: 48 more warnings/);
  });
});
