import { describe, expect, it, vi } from 'vitest';
import { UiLog } from './uiLog.js';

describe('UiLog', () => {
  it('keeps the window\'s own problems and the engine\'s log events apart, one line each, and says them in the console', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const log = new UiLog();
      log.warn('Saved settings: display.threshold "x"\nis not a number');
      log.engine({ level: 'error', source: 'project', message: 'Could not write', line: '2026-01-01T00:00:00.000Z ERROR project: Could not write dir=/p' });
      log.error('The 3D view lost its WebGL context');
      expect(log.ownLines()).toEqual([
        expect.stringMatching(/^\S+Z WARN {2}ui: Saved settings: display\.threshold "x"\\nis not a number$/),
        expect.stringMatching(/^\S+Z ERROR ui: The 3D view lost its WebGL context$/),
      ]);
      expect(log.engineLines()).toEqual(['2026-01-01T00:00:00.000Z ERROR project: Could not write dir=/p']);
      expect(warn).toHaveBeenCalledWith('Saved settings: display.threshold "x"\nis not a number');
      expect(error).toHaveBeenCalledWith('The 3D view lost its WebGL context');
    } finally {
      warn.mockRestore();
      error.mockRestore();
    }
  });

  it('keeps only the last `limit` lines', () => {
    const log = new UiLog(3);
    for (let k = 0; k < 5; k++) log.engine({ level: 'warn', source: 'zarr', message: `${k}`, line: `line ${k}` });
    expect(log.engineLines()).toEqual(['line 2', 'line 3', 'line 4']);
  });
});
