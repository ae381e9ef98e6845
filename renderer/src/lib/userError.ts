import { modifierName } from './platform.js';

/** An error as the banner shows it: what failed, with which file, and what to do. */
export interface UserError {
  title: string;
  message: string;
  hint?: string;
  code?: string;
  /** The slice the error is about (a fill that would leak there): it goes when the user moves to another slice. */
  slice?: number;
}

/** Any error as the banner shows it, under a title saying what failed. */
export function describeError(error: unknown, title: string): UserError {
  const e = error as { message?: string; code?: string; hint?: string };
  return { title, message: e.message ?? String(error), ...(e.hint ? { hint: e.hint } : {}), ...(e.code ? { code: e.code } : {}) };
}

/** An EngineError (or any error) as the banner shows it, naming the file. */
export function describeOpenError(error: unknown, label: string): UserError {
  const e = error as { message?: string; code?: string; file?: string; hint?: string };
  const file = e.file ?? label;
  return {
    title: `Could not open ${file}`,
    message: e.message ?? String(error),
    ...(e.hint ? { hint: e.hint } : {}),
    ...(e.code ? { code: e.code } : {}),
  };
}

/**
 * What to do about a file that is not there, in a browser: the engine's hint names the desktop
 * app's File menu, which a browser has not got. There the path is typed in Open… and is a path on
 * the engine's machine, or the file is picked from this computer.
 */
export const BROWSER_MISSING_FILE_HINT = `Check the path for typing errors: it is a path on the engine's machine. Or pick the file from this computer with Open… (${modifierName}+O) › Choose files…, or drop it onto the window.`;

/** `error` as the browser should say it: hints about the desktop's menus replaced by what works here. */
export function forBrowser(error: UserError): UserError {
  return error.code === 'ENOENT' ? { ...error, hint: BROWSER_MISSING_FILE_HINT } : error;
}
