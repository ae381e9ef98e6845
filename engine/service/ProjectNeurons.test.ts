import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallContext, ProjectInfo } from '../../protocol/contract.js';
import { collectTransferables } from '../../protocol/wire.js';
import { EngineService } from './EngineService.js';
import { writeTiff } from '../io/writeTiff.js';

// The project calls for neurons through the engine's handlers, on a small synthetic stack:
// bright cells separated by dark membranes, 4 slices, 4 × 4 × 50 nm.
const context: CallContext = { signal: new AbortController().signal, progress: () => undefined };
let tmp: string;
let service: EngineService;
let project: ProjectInfo;

function cellsStack(): Uint8Array {
  const width = 64, height = 64, depth = 4;
  const data = new Uint8Array(width * height * depth);
  for (let z = 0; z < depth; z++)
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) data[(z * height + y) * width + x] = x % 32 < 3 || y % 32 < 3 ? 20 : 200;
  return writeTiff({ width, height, depth, dtype: 'uint8', data, voxelSize: { x: 4, y: 4, z: 50, unit: 'nm' } });
}

/** As the RPC hosts do: transfer every buffer of a result, which detaches it here. */
function send<T>(result: T): T {
  const copy = structuredClone(result, { transfer: collectTransferables(result) });
  return copy;
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'membrana-neurons-'));
  service = new EngineService({ host: 'test', configDir: path.join(tmp, 'config') });
  const volume = await service.handlers.openFiles({ files: [{ name: 'cells.tif', data: cellsStack().slice().buffer }] }, context);
  project = await service.handlers.newProject({ volumeId: volume.id, dir: path.join(tmp, 'project') }, context);
  await service.handlers.setVoxelSize({ projectId: project.id, voxelSize: { x: 4, y: 4, z: 50, unit: 'nm' } }, context);
}, 60_000);

afterAll(async () => {
  await service?.dispose();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('neurons through the engine', () => {
  it('segments (predicting first), edits, undoes and survives results being transferred', async () => {
    expect(await service.handlers.segmentation({ projectId: project.id }, context)).toBeNull();
    const info = await service.handlers.segment({ projectId: project.id }, context);
    expect(info.count).toBeGreaterThan(1);
    const list = await service.handlers.listSegments({ projectId: project.id }, context);
    expect(list.length).toBe(info.count);
    const [a, b] = [...list].sort((p, q) => q.voxels - p.voxels);
    expect(a!.slices).toBe(4);
    expect(a!.volumeUm3).toBeCloseTo((a!.voxels * 4 * 4 * 50) / 1e9, 9);

    const merged = send(await service.handlers.editSegments({ projectId: project.id, operation: { kind: 'merge', keep: a!.id, remove: b!.id } }, context))!;
    expect(merged.touched.sort()).toEqual([a!.id, b!.id].sort());
    expect((await service.handlers.listSegments({ projectId: project.id }, context)).length).toBe(list.length - 1);
    const undone = send(await service.handlers.undoSegments({ projectId: project.id }, context))!;
    expect(undone.indices.length).toBe(merged.indices.length);
    expect((await service.handlers.listSegments({ projectId: project.id }, context)).length).toBe(list.length);
    const redone = send(await service.handlers.redoSegments({ projectId: project.id }, context))!;
    expect(redone.indices.length).toBe(merged.indices.length);

    await service.handlers.setSegmentNote({ projectId: project.id, id: a!.id, note: 'big one', tags: ['checked'] }, context);
    const meshes = send(await service.handlers.getMeshes({ projectId: project.id, ids: [a!.id] }, context));
    expect(meshes[0]!.indices.length).toBeGreaterThan(0);
    // The cache still holds its own arrays after the first result was transferred.
    const again = await service.handlers.getMeshes({ projectId: project.id, ids: [a!.id] }, context);
    expect(again[0]!.indices.length).toBe(meshes[0]!.indices.length);

    const exported = await service.handlers.exportMeshes({ projectId: project.id, ids: [a!.id], dir: path.join(tmp, 'export'), format: 'obj', units: 'um', scene: false }, context);
    expect(exported.files.some((file) => file.endsWith('.obj'))).toBe(true);
  }, 120_000);

  it('splits a merge along the membrane with seeds, refuses a cut that does not separate, and names unpredicted slices', async () => {
    const list = await service.handlers.listSegments({ projectId: project.id }, context);
    const slice = (await service.handlers.getSegmentSlice({ projectId: project.id, z: 1 }, context))!;
    // Two cells side by side in slice 1 (x < 32 and x ≥ 32, in the row of cells the first test did not merge), merged, then split again.
    const y0 = slice.ids[16 * 64 + 16] === slice.ids[16 * 64 + 48] ? 32 : 0;
    const [a, b] = [slice.ids[(y0 + 16) * 64 + 16]!, slice.ids[(y0 + 16) * 64 + 48]!];
    expect(a).not.toBe(b);
    await service.handlers.editSegments({ projectId: project.id, operation: { kind: 'merge', keep: a, remove: b } }, context);
    const split = (await service.handlers.editSegments({ projectId: project.id, operation: { kind: 'splitSeeds', id: a, seeds: [{ x: 16, y: y0 + 16, z: 1 }, { x: 48, y: y0 + 16, z: 1 }] } }, context))!;
    const parts = await service.handlers.getSegmentSlice({ projectId: project.id, z: 1 }, context);
    const [left, right] = [parts!.ids[(y0 + 16) * 64 + 16]!, parts!.ids[(y0 + 16) * 64 + 48]!];
    expect(left).toBe(a);
    expect(right).not.toBe(a);
    // Every pixel of the two cells' interiors went back to its own side; the cut is on the membrane columns (x 32–34).
    for (let y = y0 + 5; y < y0 + 30; y++) for (let x = 5; x < 30; x++) expect([parts!.ids[y * 64 + x], parts!.ids[y * 64 + x + 32]]).toEqual([left, right]);
    expect(split.touched.sort()).toEqual([a, right].sort());

    // A short line inside the cell: nothing is cut off, the call says so and nothing changes.
    const count = (await service.handlers.listSegments({ projectId: project.id }, context)).length;
    await expect(service.handlers.editSegments({ projectId: project.id, operation: { kind: 'splitLine', z: 1, line: [{ x: 10, y: y0 + 10 }, { x: 20, y: y0 + 12 }] } }, context)).rejects.toMatchObject({
      code: 'SPLIT_DID_NOT_SEPARATE',
      message: expect.stringContaining('nothing was changed'),
      hint: expect.stringContaining('far edge'),
    });
    expect((await service.handlers.listSegments({ projectId: project.id }, context)).length).toBe(count);
    expect(Array.from((await service.handlers.getSegmentSlice({ projectId: project.id, z: 1 }, context))!.ids)).toEqual(Array.from(parts!.ids));
    expect(list.length).toBe(count);

    // Without the prediction of slice 2 the seeded split cannot follow the membranes there: it says which slice.
    const { rename } = await import('node:fs/promises');
    const file = path.join(project.dir, 'predictions', 'v1', '00002.u8');
    await rename(file, `${file}.away`);
    try {
      await expect(service.handlers.editSegments({ projectId: project.id, operation: { kind: 'splitSeeds', id: a, seeds: [{ x: 16, y: y0 + 16, z: 1 }, { x: 20, y: y0 + 20, z: 1 }] } }, context)).rejects.toMatchObject({
        code: 'NOT_PREDICTED',
        message: expect.stringMatching(/slice 2 has no membrane prediction.*Nothing was changed/),
      });
    } finally {
      await rename(`${file}.away`, file);
    }
  }, 60_000);

  it('keeps the edits and notes when the project is reopened', async () => {
    const before = await service.handlers.listSegments({ projectId: project.id }, context);
    await service.handlers.closeProject({ projectId: project.id }, context);
    const reopened = await service.handlers.openProject({ dir: project.dir }, context);
    const after = await service.handlers.listSegments({ projectId: reopened.id }, context);
    expect(after.map((s) => [s.id, s.voxels])).toEqual(before.map((s) => [s.id, s.voxels]));
    expect(after.find((s) => s.note === 'big one')?.tags).toEqual(['checked']);
    expect((await service.handlers.segmentation({ projectId: reopened.id }, context))?.canUndo).toBe(true);
  }, 60_000);

  it('says what to do when there is no segmentation yet or an operation makes no sense', async () => {
    await expect(service.handlers.editSegments({ projectId: project.id, operation: { kind: 'merge', keep: 3, remove: 3 } }, context)).rejects.toThrow(/two different segments/);
    await expect(service.handlers.editSegments({ projectId: project.id, operation: { kind: 'splitSeeds', id: 1, seeds: [{ x: 1, y: 1, z: 0 }] } }, context)).rejects.toThrow(/two seeds/);
  });

  it('imports a segmentation made elsewhere (a label OME-Zarr), keeping its ids, and archives the one it replaces', async () => {
    const { createOmeZarr } = await import('../zarr/omeZarr.js');
    const { fullRegion, writeRegion } = await import('../zarr/readRegion.js');
    const { readdir } = await import('node:fs/promises');
    const store = path.join(tmp, 'cluster-neurons.ome.zarr');
    const labels = await createOmeZarr(store, { shape: [4, 64, 64], dtype: 'uint32', version: 2, levels: 1, label: true });
    await writeRegion(labels.levels[0]!, fullRegion(labels.levels[0]!), Uint32Array.from({ length: 4 * 64 * 64 }, (_, i) => (i % 64 < 32 ? 7 : 1_000_000)));
    const before = await service.handlers.segmentation({ projectId: project.id }, context);
    expect(before).not.toBeNull();
    const info = await service.handlers.importSegmentation({ projectId: project.id, path: store }, context);
    expect(info).toMatchObject({ count: 2, canUndo: false, model: `imported from ${store}` });
    const slice = await service.handlers.getSegmentSlice({ projectId: project.id, z: 2 }, context);
    expect([slice!.ids[0], slice!.ids[63]]).toEqual([7, 1_000_000]);
    const list = await service.handlers.listSegments({ projectId: project.id }, context);
    expect(list.map((s) => s.id).sort((a, b) => a - b)).toEqual([7, 1_000_000]);
    expect((await readdir(path.join(tmp, 'project', 'segments', 'archive'))).length).toBeGreaterThan(0);
    // A merge on the imported ids works as on the app's own.
    const merged = await service.handlers.editSegments({ projectId: project.id, operation: { kind: 'merge', keep: 7, remove: 1_000_000 } }, context);
    expect(merged!.ids.length).toBe(4 * 64 * 32);
    expect(merged!.ids.every((id) => id === 7)).toBe(true);
    expect(merged!.segmentation.canUndo).toBe(true);
    // Edits sent together (quick clicks) act on the ids their predecessors leave: relabelling 7
    // to a new id and, without waiting, merging that new id into 1,000,000 moves all of 7's voxels.
    await service.handlers.undoSegments({ projectId: project.id }, context);
    const unmerged = (await service.handlers.segmentation({ projectId: project.id }, context))!;
    const fresh = 1_000_001; // the next id the layer hands out: one above the largest
    expect(unmerged.count).toBe(2);
    const relabel = service.handlers.editSegments({ projectId: project.id, operation: { kind: 'relabel', id: 7 } }, context);
    const merge = service.handlers.editSegments({ projectId: project.id, operation: { kind: 'merge', keep: 1_000_000, remove: fresh } }, context);
    const [relabelled, mergedFresh] = await Promise.all([relabel, merge]);
    expect(relabelled!.touched).toContain(fresh);
    expect(mergedFresh!.ids.length).toBe(merged!.ids.length);
    const ids = (await service.handlers.getSegmentSlice({ projectId: project.id, z: 2 }, context))!.ids;
    expect(new Set(ids)).toEqual(new Set([1_000_000]));
  });

  it('refuses to import labels of another size, float voxels or a folder that is not OME-Zarr, naming it', async () => {
    const { createOmeZarr } = await import('../zarr/omeZarr.js');
    const other = path.join(tmp, 'other.ome.zarr');
    await createOmeZarr(other, { shape: [4, 64, 65], dtype: 'uint32', version: 2, levels: 1 });
    await expect(service.handlers.importSegmentation({ projectId: project.id, path: other }, context)).rejects.toMatchObject({ code: 'SIZE_MISMATCH', message: expect.stringContaining('65 × 64 × 4') });
    const floats = path.join(tmp, 'floats.ome.zarr');
    await createOmeZarr(floats, { shape: [4, 64, 64], dtype: 'float32', version: 2, levels: 1 });
    await expect(service.handlers.importSegmentation({ projectId: project.id, path: floats }, context)).rejects.toMatchObject({ code: 'NOT_LABELS' });
    await expect(service.handlers.importSegmentation({ projectId: project.id, path: tmp }, context)).rejects.toMatchObject({ code: 'NOT_OME_ZARR', message: expect.stringContaining(tmp) });
    // A membrane probability (uint8, no label metadata) typed by mistake for the segmentation.
    const probability = path.join(tmp, 'prob.ome.zarr');
    await createOmeZarr(probability, { shape: [4, 64, 64], dtype: 'uint8', version: 2, levels: 1 });
    await expect(service.handlers.importSegmentation({ projectId: project.id, path: probability }, context)).rejects.toMatchObject({ code: 'NOT_LABELS', message: expect.stringContaining('membrane probability') });
  });

  it('sends no labels for a slice without corrections, and the whole slice once it has some', async () => {
    const empty = await service.handlers.getOverlay({ projectId: project.id, z: 3 }, context);
    expect(empty.labels).toHaveLength(0);
    await service.handlers.paint({ projectId: project.id, z: 3, indices: Uint32Array.of(5, 6), value: 1, tool: 'brush' }, context);
    const painted = await service.handlers.getOverlay({ projectId: project.id, z: 3 }, context);
    expect(painted.labels).toHaveLength(64 * 64);
    expect([painted.labels[5], painted.labels[6], painted.labels[7]]).toEqual([1, 1, 0]);
  });
});

