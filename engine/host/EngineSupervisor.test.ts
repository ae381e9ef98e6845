import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EngineSupervisor, type EngineProcess } from './EngineSupervisor.js';

/** A process handle whose exit the test decides (the smoke test in e2e/shell uses real processes). */
class Handle extends EventEmitter implements EngineProcess {
  killed = false;
  kill(): boolean {
    this.killed = true;
    this.emit('exit', 0);
    return true;
  }
  crash(code = 1): void {
    this.emit('exit', code);
  }
}

describe('EngineSupervisor', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function supervisor(): { sup: EngineSupervisor<Handle>; forks: Handle[]; log: string[] } {
    const forks: Handle[] = [];
    const log: string[] = [];
    const sup = new EngineSupervisor<Handle>({
      fork: () => {
        const handle = new Handle();
        forks.push(handle);
        return handle;
      },
      delaysMs: [100, 400, 1600],
      healthyAfterMs: 10_000,
      started: (_engine, restart) => log.push(restart ? `started again (attempt ${restart.attempt}, code ${restart.code})` : 'started'),
      stopped: (code, retry) => log.push(`stopped ${code}, retry ${retry}`),
      gaveUp: (message) => log.push(`gave up: ${message}`),
    });
    return { sup, forks, log };
  }

  it('restarts a crashing engine after growing waits, then gives up with a message instead of forking for ever', () => {
    const { sup, forks, log } = supervisor();
    sup.start();
    for (const wait of [100, 400, 1600]) {
      forks.at(-1)!.crash(3);
      expect(sup.current).toBeNull();
      const before = forks.length;
      vi.advanceTimersByTime(wait - 1);
      expect(forks.length).toBe(before); // not yet
      vi.advanceTimersByTime(1);
      expect(forks.length).toBe(before + 1);
    }
    forks.at(-1)!.crash(3);
    vi.advanceTimersByTime(60_000);
    expect(forks).toHaveLength(4);
    expect(sup.hasGivenUp).toBe(true);
    expect(log.slice(0, 3)).toEqual(['started', 'stopped 3, retry 100', 'started again (attempt 1, code 3)']);
    expect(log.at(-2)).toBe('stopped 3, retry null');
    expect(log.at(-1)).toMatch(/gave up: The Membrana engine stopped 4 times in a row \(last exit code 3\).*start it from a terminal/);
  });

  it('starts the count over after an engine ran healthily for a while', () => {
    const { sup, forks } = supervisor();
    sup.start();
    forks[0]!.crash();
    vi.advanceTimersByTime(100);
    forks[1]!.crash();
    vi.advanceTimersByTime(400);
    vi.advanceTimersByTime(10_000); // the third engine runs well
    forks[2]!.crash();
    vi.advanceTimersByTime(99);
    expect(forks).toHaveLength(3);
    vi.advanceTimersByTime(1); // the first wait again, not the third
    expect(forks).toHaveLength(4);
  });

  it('does not restart an engine it stopped itself, nor one whose restart was pending at quit', () => {
    const { sup, forks } = supervisor();
    sup.start();
    forks[0]!.crash();
    sup.stop();
    vi.advanceTimersByTime(10_000);
    expect(forks).toHaveLength(1);
    const second = supervisor();
    second.sup.start();
    second.sup.stop();
    expect(second.forks[0]!.killed).toBe(true);
    vi.advanceTimersByTime(10_000);
    expect(second.forks).toHaveLength(1);
  });
});
