import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RECENT_PROJECTS_FILE, defaultConfigDir, defaultProjectsDir, forgetProject, listRecentProjects, recentProjects, rememberProject } from './RecentProjects.js';

let configDir: string;
beforeEach(async () => {
  configDir = path.join(await mkdtemp(path.join(os.tmpdir(), 'membrana-recent-')), 'config');
});
afterEach(async () => {
  await rm(path.dirname(configDir), { recursive: true, force: true });
});

describe('recent projects', () => {
  it('starts empty, remembers projects newest first, once per folder, at most ten', async () => {
    expect(await recentProjects(configDir)).toEqual([]);
    for (let i = 0; i < 12; i++) {
      await rememberProject(configDir, `/data/project-${i}`, `Project ${i}`);
      await new Promise((resolve) => setTimeout(resolve, 2)); // distinct timestamps
    }
    await rememberProject(configDir, '/data/project-5/', 'Project 5 renamed');
    const list = await recentProjects(configDir);
    expect(list.map((entry) => entry.name)).toEqual(['Project 5 renamed', 'Project 11', 'Project 10', 'Project 9', 'Project 8', 'Project 7', 'Project 6', 'Project 4', 'Project 3', 'Project 2']);
    expect(list[0]).toMatchObject({ dir: path.resolve('/data/project-5'), opened: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(await readdir(configDir)).toEqual([RECENT_PROJECTS_FILE]);
  });

  it('keeps every project remembered at the same time', async () => {
    await Promise.all(Array.from({ length: 5 }, (_, i) => rememberProject(configDir, `/p/${i}`, `P${i}`)));
    expect((await recentProjects(configDir)).map((entry) => entry.dir).sort()).toEqual([0, 1, 2, 3, 4].map((i) => path.resolve(`/p/${i}`)));
  });

  it('treats a corrupt list as empty and rewrites it', async () => {
    await rememberProject(configDir, '/a', 'A');
    const file = path.join(configDir, RECENT_PROJECTS_FILE);
    await writeFile(file, '[{"dir": "/a", "na');
    expect(await recentProjects(configDir)).toEqual([]);
    await writeFile(file, JSON.stringify([{ dir: 1 }, { dir: '/ok', name: 'OK', opened: '2024-01-01T00:00:00.000Z' }]));
    expect((await recentProjects(configDir)).map((entry) => entry.name)).toEqual(['OK']);
    await writeFile(file, '{ not json');
    await rememberProject(configDir, '/b', 'B');
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual([expect.objectContaining({ dir: path.resolve('/b'), name: 'B' })]);
  });

  it('marks projects whose folder no longer holds project.json as missing, and forgets one on request', async () => {
    const root = path.dirname(configDir);
    const kept = path.join(root, 'kept');
    await mkdir(kept);
    await writeFile(path.join(kept, 'project.json'), '{}');
    await mkdir(path.join(root, 'emptied'));
    for (const [dir, name] of [[path.join(root, 'gone'), 'Gone'], [path.join(root, 'emptied'), 'Emptied'], [kept, 'Kept']] as const) {
      await rememberProject(configDir, dir, name);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect((await listRecentProjects(configDir)).map(({ name, missing }) => ({ name, missing }))).toEqual([
      { name: 'Kept', missing: false },
      { name: 'Emptied', missing: true },
      { name: 'Gone', missing: true },
    ]);
    await forgetProject(configDir, path.join(root, 'gone') + path.sep);
    expect((await listRecentProjects(configDir)).map((entry) => entry.name)).toEqual(['Kept', 'Emptied']);
    // Only the list changes: the folders stay as they were.
    expect((await readdir(root)).sort()).toEqual(['config', 'emptied', 'kept']);
    // The stored list keeps its own fields only.
    expect(Object.keys(JSON.parse(await readFile(path.join(configDir, RECENT_PROJECTS_FILE), 'utf8'))[0]).sort()).toEqual(['dir', 'name', 'opened']);
  });

  it('puts new projects under projects/ in the config folder', () => {
    expect(defaultProjectsDir('/home/ann/.config/membrana')).toBe(path.join('/home/ann/.config/membrana', 'projects'));
  });

  it('finds the config folder per platform', () => {
    expect(defaultConfigDir({ MEMBRANA_HOME: '/custom' }, 'linux', '/home/ann')).toBe('/custom');
    expect(defaultConfigDir({}, 'linux', '/home/ann')).toBe('/home/ann/.config/membrana');
    expect(defaultConfigDir({ XDG_CONFIG_HOME: '/xdg' }, 'linux', '/home/ann')).toBe('/xdg/membrana');
    expect(defaultConfigDir({ XDG_CONFIG_HOME: 'relative' }, 'darwin', '/Users/ann')).toBe('/Users/ann/.config/membrana');
    expect(defaultConfigDir({ APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }, 'win32', 'C:\\Users\\ann')).toBe('C:\\Users\\ann\\AppData\\Roaming\\Membrana');
    expect(defaultConfigDir({}, 'win32', 'C:\\Users\\ann')).toBe('C:\\Users\\ann\\AppData\\Roaming\\Membrana');
  });
});
