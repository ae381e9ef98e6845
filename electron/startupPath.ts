import path from 'node:path';

/**
 * The stack to open at startup from `npm start -- path/to/stack.tif` (or `membrana stack.tif` when
 * packaged). Electron's argv is [electron, app folder, ...user args] in development and
 * [app, ...user args] when packaged; Chromium switches (--foo) are skipped.
 */
export function startupPathFromArgv(argv: readonly string[], packaged: boolean): string | null {
  const userArgs = argv.slice(packaged ? 1 : 2).filter((arg) => !arg.startsWith('-'));
  const first = userArgs[0];
  return first ? path.resolve(first) : null;
}
