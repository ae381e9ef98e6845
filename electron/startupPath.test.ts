import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startupPathFromArgv } from './startupPath.js';

describe('startupPathFromArgv', () => {
  it('takes the first user argument after electron and the app folder', () => {
    expect(startupPathFromArgv(['/usr/bin/electron', '.', 'data/stack.tif'], false)).toBe(path.resolve('data/stack.tif'));
  });
  it('skips switches and returns null without a path', () => {
    expect(startupPathFromArgv(['/usr/bin/electron', '.', '--no-sandbox'], false)).toBeNull();
  });
  it('reads a packaged app argv', () => {
    expect(startupPathFromArgv(['/opt/Membrana/membrana', '/data/a.tif'], true)).toBe('/data/a.tif');
  });
});
