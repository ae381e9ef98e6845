import { mkdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeJsonAtomic } from '../base/atomicWrite.js';

/** A project the user opened, for File › Open recent. */
export interface RecentProject {
  /** Absolute folder. */
  dir: string;
  name: string;
  /** ISO time it was last opened. */
  opened: string;
}

export const RECENT_PROJECTS_FILE = 'recent-projects.json';
/** How many projects the list keeps. */
export const RECENT_PROJECTS_LIMIT = 10;

/** Read-modify-write runs one at a time per file, so two projects opened at once are both remembered. */
const updates = new Map<string, Promise<unknown>>();

/** The recently opened projects, newest first; an unreadable or corrupt list reads as empty. */
export async function recentProjects(configDir: string): Promise<RecentProject[]> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path.join(configDir, RECENT_PROJECTS_FILE), 'utf8'));
  } catch {
    // Missing or damaged: the list is a convenience, so start over rather than fail.
    return [];
  }
  if (!Array.isArray(value)) return [];
  return value
    .filter((entry): entry is RecentProject => typeof entry?.dir === 'string' && typeof entry.name === 'string' && typeof entry.opened === 'string')
    .sort((a, b) => b.opened.localeCompare(a.opened))
    .slice(0, RECENT_PROJECTS_LIMIT);
}

/** Puts a project at the top of the list (once per folder), keeping the newest ten. */
export async function rememberProject(configDir: string, dir: string, name: string): Promise<void> {
  const file = path.join(path.resolve(configDir), RECENT_PROJECTS_FILE);
  const update = (updates.get(file) ?? Promise.resolve()).then(async () => {
    const target = path.resolve(dir);
    const others = (await recentProjects(configDir)).filter((entry) => entry.dir !== target);
    const list = [{ dir: target, name, opened: new Date().toISOString() }, ...others].slice(0, RECENT_PROJECTS_LIMIT);
    await mkdir(path.dirname(file), { recursive: true });
    await writeJsonAtomic(file, list);
  });
  const settled = update.catch(() => undefined);
  updates.set(file, settled);
  void settled.then(() => {
    if (updates.get(file) === settled) updates.delete(file);
  });
  return update;
}

/**
 * Where Membrana keeps its own settings: $MEMBRANA_HOME when set; otherwise %APPDATA%\Membrana
 * on Windows and $XDG_CONFIG_HOME/membrana (default ~/.config/membrana) on Linux and macOS.
 */
export function defaultConfigDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = os.homedir()): string {
  if (env.MEMBRANA_HOME) return env.MEMBRANA_HOME;
  if (platform === 'win32') return path.win32.join(env.APPDATA || path.win32.join(home, 'AppData', 'Roaming'), 'Membrana');
  // The XDG spec says relative values are invalid and must be ignored.
  const xdg = env.XDG_CONFIG_HOME && path.posix.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.posix.join(home, '.config');
  return path.posix.join(xdg, 'membrana');
}
