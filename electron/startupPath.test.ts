import path from 'node:path';
import { pathToFileURL } from 'node:url';
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
  // Review item 3: Linux desktop files pass %U, which file managers fill with file:// URIs.
  it('turns a file:// URI (with escapes) into a path', () => {
    const file = path.resolve('/data/my stack #1.tif');
    expect(startupPathFromArgv(['/opt/Membrana/membrana', pathToFileURL(file).href], true)).toBe(file);
    expect(startupPathFromArgv(['/opt/Membrana/membrana', 'file:///data/my%20stack.tif'], true)).toBe(path.resolve('/data/my stack.tif'));
  });
  it('skips other URL schemes and resolves relative paths against the launching instance’s folder', () => {
    expect(startupPathFromArgv(['/opt/Membrana/membrana', 'https://example.org/a.tif', 'b.tif'], true, '/home/me/data')).toBe(
      path.resolve('/home/me/data', 'b.tif'),
    );
  });
  it('skips the switches Chromium adds to a second instance’s argv', () => {
    const argv = ['/opt/Membrana/membrana', '--allow-file-access-from-files', '--original-process-start-time=1', '/data/c.tif'];
    expect(startupPathFromArgv(argv, true)).toBe('/data/c.tif');
  });
});
