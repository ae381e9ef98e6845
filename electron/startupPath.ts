import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The stack to open from a command line: `npm start -- path/to/stack.tif`, `membrana stack.tif`
 * when packaged, a second launch's argv (`second-instance`), or a Linux file manager's `%U`, which
 * passes `file://` URIs. Electron's argv is [electron, app folder, ...user args] in development
 * and [app, ...user args] when packaged; Chromium switches (--foo) and other URL schemes are
 * skipped. Relative paths are resolved against `cwd` (the second instance's, not ours).
 */
export function startupPathFromArgv(argv: readonly string[], packaged: boolean, cwd: string = process.cwd()): string | null {
  for (const arg of argv.slice(packaged ? 1 : 2)) {
    if (arg.startsWith('-')) continue;
    if (/^file:/i.test(arg)) {
      try {
        return fileURLToPath(arg);
      } catch {
        continue; // a file: URL of another host (file://server/share on Linux) names nothing we can open
      }
    }
    if (/^[a-z][a-z0-9+.-]+:\/\//i.test(arg)) continue;
    return path.resolve(cwd, arg);
  }
  return null;
}
