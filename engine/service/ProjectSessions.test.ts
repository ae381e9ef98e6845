import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallContext } from '../../protocol/contract.js';
import { writeTiff } from '../io/writeTiff.js';
import { EngineService } from './EngineService.js';

const context: CallContext = { signal: new AbortController().signal, progress: () => undefined };
let tmp: string;
let service: EngineService;

beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'membrana-sessions-'));
  service = new EngineService({ host: 'test', configDir: path.join(tmp, 'config') });
});
afterEach(async () => {
  await service?.dispose();
  await rm(tmp, { recursive: true, force: true });
});

describe('projectInfo', () => {
  it('gives the open project as it is now, without reopening it, and names a project that is not open', async () => {
    const tiff = writeTiff({ width: 24, height: 16, depth: 3, dtype: 'uint8', data: Uint8Array.from({ length: 24 * 16 * 3 }, (_, i) => i % 251) });
    const volume = await service.handlers.openFiles({ files: [{ name: 'small.tif', data: tiff.slice().buffer }] }, context);
    const project = await service.handlers.newProject({ volumeId: volume.id, dir: path.join(tmp, 'p') }, context);
    expect(await service.handlers.projectInfo({ projectId: project.id }, context)).toEqual(project);
    const changed = await service.handlers.setVoxelSize({ projectId: project.id, voxelSize: { x: 4, y: 4, z: 50, unit: 'nm' } }, context);
    const now = await service.handlers.projectInfo({ projectId: project.id }, context);
    expect(now).toEqual(changed);
    expect(now.volume.voxelSize).toEqual({ x: 4, y: 4, z: 50, unit: 'nm' });
    await service.handlers.closeProject({ projectId: project.id }, context);
    await expect(service.handlers.projectInfo({ projectId: project.id }, context)).rejects.toMatchObject({ code: 'NO_SUCH_PROJECT' });
  });
});

describe('recent projects', () => {
  it('lists opened projects with a missing mark, and forgets one on request', async () => {
    const tiff = writeTiff({ width: 8, height: 8, depth: 2, dtype: 'uint8', data: new Uint8Array(128).fill(9) });
    const volume = await service.handlers.openFiles({ files: [{ name: 'tiny.tif', data: tiff.slice().buffer }] }, context);
    const kept = await service.handlers.newProject({ volumeId: volume.id, dir: path.join(tmp, 'kept'), name: 'Kept' }, context);
    const gone = await service.handlers.newProject({ volumeId: volume.id, dir: path.join(tmp, 'gone'), name: 'Gone' }, context);
    await service.handlers.closeProject({ projectId: gone.id }, context);
    await rm(gone.dir, { recursive: true });
    const listed = await service.handlers.recentProjects({}, context);
    expect(listed.map(({ name, missing }) => ({ name, missing })).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'Gone', missing: true },
      { name: 'Kept', missing: false },
    ]);
    expect((await service.handlers.forgetRecentProject({ dir: gone.dir }, context)).map((entry) => entry.dir)).toEqual([kept.dir]);
    await expect(service.handlers.forgetRecentProject({ dir: ' ' }, context)).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
  });
});
