import { access, mkdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeJsonAtomic } from '../base/atomicWrite.js';
import { logger } from '../base/log.js';
import { PROJECT_JSON } from './projectFile.js';

/** A project the user opened, for the recent lists (start screen, Open project). */
export interface RecentProject {
  /** Absolute folder. */
  dir: string;
  name: string;
  /** ISO time it was last opened. */
  opened: string;
}

/** A recent project as the UI lists it: whether its folder still holds a project. */
export interface ListedProject extends RecentProject {
  missing: boolean;
}

export const RECENT_PROJECTS_FILE = 'recent-projects.json';
/** How many projects the list keeps. */
export const RECENT_PROJECTS_LIMIT = 10;

const log = logger('project');

/** Read-modify-write runs one at a time per file, so two projects opened at once are both remembered. */
const updates = new Map<string, Promise<unknown>>();

/** The recently opened projects, newest first; an unreadable or corrupt list reads as empty. */
export async function recentProjects(configDir: string): Promise<RecentProject[]> {
  let value: unknown;
  const file = path.join(configDir, RECENT_PROJECTS_FILE);
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    // Missing (nothing opened yet) or damaged: the list is a convenience, so start over rather than fail.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') log.warn('The list of recent projects cannot be read; starting a new one', { file, error });
    return [];
  }
  if (!Array.isArray(value)) return [];
  return value
    .filter((entry): entry is RecentProject => typeof entry?.dir === 'string' && typeof entry.name === 'string' && typeof entry.opened === 'string')
    .sort((a, b) => b.opened.localeCompare(a.opened))
    .slice(0, RECENT_PROJECTS_LIMIT);
}

/** The recent projects, each marked missing when its folder no longer holds a project.json. */
export async function listRecentProjects(configDir: string): Promise<ListedProject[]> {
  const list = await recentProjects(configDir);
  return Promise.all(
    list.map(async (entry) => ({
      ...entry,
      missing: await access(path.join(entry.dir, PROJECT_JSON)).then(
        () => false,
        () => true,
      ),
    })),
  );
}

/** Puts a project at the top of the list (once per folder), keeping the newest ten. */
export function rememberProject(configDir: string, dir: string, name: string): Promise<void> {
  const target = path.resolve(dir);
  return updateList(configDir, (list) => [{ dir: target, name, opened: new Date().toISOString() }, ...list.filter((entry) => entry.dir !== target)]);
}

/** Takes a folder off the list (the folder itself is left alone). */
export function forgetProject(configDir: string, dir: string): Promise<void> {
  const target = path.resolve(dir);
  return updateList(configDir, (list) => list.filter((entry) => entry.dir !== target));
}

function updateList(configDir: string, change: (list: RecentProject[]) => RecentProject[]): Promise<void> {
  const file = path.join(path.resolve(configDir), RECENT_PROJECTS_FILE);
  const update = (updates.get(file) ?? Promise.resolve()).then(async () => {
    const list = change(await recentProjects(configDir)).slice(0, RECENT_PROJECTS_LIMIT);
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

/** Where new projects go unless the user picks a folder (the sample's among them). */
export function defaultProjectsDir(configDir: string): string {
  return path.join(configDir, 'projects');
}
