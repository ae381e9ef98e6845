import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { logger, recentLogLines, setStderrLevel } from './log.js';
import { currentLogFile, logFileIn, logToFile, RotatingLogFile } from './logFile.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'membrana-log-'));
  setStderrLevel('off');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  setStderrLevel('warn');
});

const event = { time: new Date(), level: 'info', source: 'test', message: '', fields: {} } as const;

/** Captures what goes to stderr (a sink's own failure is said there) while `run` runs. */
function stderrOf(run: () => void): string[] {
  const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    run();
    return write.mock.calls.map(([text]) => String(text));
  } finally {
    write.mockRestore();
  }
}

describe('RotatingLogFile', () => {
  it('lives in logs/ of Membrana\'s folder', () => {
    expect(logFileIn('/home/ann/.config/membrana')).toBe(path.join('/home/ann/.config/membrana', 'logs', 'membrana.log'));
  });

  it('rotates before a line would pass maxBytes, keeps `keep` files, and its tail reads across them in order', () => {
    const file = new RotatingLogFile(path.join(dir, 'logs', 'membrana.log'), { maxBytes: 1000, keep: 3 });
    const lines = Array.from({ length: 100 }, (_, k) => `line ${String(k).padStart(3, '0')} ${'x'.repeat(40)}`);
    for (const line of lines) file.write(event, line);
    const kept = [0, 1, 2].map((k) => file.rotated(k));
    expect(kept.map((f) => path.basename(f))).toEqual(['membrana.log', 'membrana.1.log', 'membrana.2.log']);
    for (const f of kept) expect(statSync(f).size).toBeLessThanOrEqual(1000);
    expect(existsSync(file.rotated(3))).toBe(false);
    // The newest line is last in the current file; each older file ends where the next begins.
    const text = kept.map((f) => readFileSync(f, 'utf8').trimEnd().split('\n'));
    expect(text[0]!.at(-1)).toBe(lines.at(-1));
    expect(text[1]!.at(-1)).toBe(lines[lines.indexOf(text[0]![0]!) - 1]);
    expect(text[2]!.at(-1)).toBe(lines[lines.indexOf(text[1]![0]!) - 1]);
    const all = [...text[2]!, ...text[1]!, ...text[0]!];
    expect(file.tail(30)).toEqual(all.slice(-30));
    expect(file.tail(1000)).toEqual(all);
  });

  it('reads only the end of a big file, from a whole line', () => {
    const file = new RotatingLogFile(path.join(dir, 'membrana.log'), { maxBytes: 10_000_000 });
    for (let k = 0; k < 2000; k++) file.write(event, `line ${k}`);
    expect(file.tail(3, 100)).toEqual(['line 1997', 'line 1998', 'line 1999']);
    expect(new RotatingLogFile(path.join(dir, 'none.log')).tail(5)).toEqual([]);
  });

  it.runIf(existsSync('/dev/full'))('does not throw when the disk is full: it says so once, on stderr and in memory', () => {
    const full = new RotatingLogFile('/dev/full', { retryAfterMs: 0 });
    const said = stderrOf(() => {
      expect(() => full.write(event, 'first')).not.toThrow();
      expect(() => full.write(event, 'second')).not.toThrow();
    });
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/ERROR log: cannot write the log file "\/dev\/full" \(ENOSPC: .*\); lines go to memory only/);
    expect(recentLogLines(1)[0]).toBe(said[0]!.trimEnd());
  });

  it('does not throw when its folder cannot be made, and writes again once it can, saying lines are missing', () => {
    const blocker = path.join(dir, 'logs');
    writeFileSync(blocker, 'a file where the logs folder should be');
    const file = new RotatingLogFile(path.join(blocker, 'membrana.log'), { retryAfterMs: 0 });
    const said = stderrOf(() => file.write(event, 'lost'));
    expect(said.join('')).toMatch(/cannot write the log file ".*membrana\.log" \((EEXIST|ENOTDIR)/);
    rmSync(blocker);
    file.write(event, 'kept');
    const text = readFileSync(path.join(blocker, 'membrana.log'), 'utf8').trimEnd().split('\n');
    expect(text[0]).toBe('kept');
    expect(text[1]).toMatch(/WARN {2}log: writing .* works again; lines from the time it failed are missing/);
  });

  it('waits retryAfterMs after a failure before trying again', () => {
    const blocker = path.join(dir, 'logs');
    writeFileSync(blocker, '');
    const file = new RotatingLogFile(path.join(blocker, 'membrana.log'), { retryAfterMs: 60_000 });
    stderrOf(() => file.write(event, 'lost'));
    rmSync(blocker);
    file.write(event, 'skipped while waiting');
    expect(existsSync(path.join(blocker, 'membrana.log'))).toBe(false);
  });
});

describe('logToFile', () => {
  it('sends the thread\'s log to the file until stopped, and is the file diagnostics read', () => {
    const target = logFileIn(dir);
    const stop = logToFile(target);
    try {
      expect(currentLogFile()?.file).toBe(target);
      logger('project').warn('Journal repaired', { file: '/p/journal.bin' });
    } finally {
      stop();
    }
    logger('project').warn('after stop');
    expect(currentLogFile()).toBeNull();
    const text = readFileSync(target, 'utf8');
    expect(text).toMatch(/^\S+Z WARN {2}project: Journal repaired file=\/p\/journal\.bin\n$/);
  });
});
