import { mkdtemp, rm, truncate, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readdir } from 'node:fs/promises';
import { SEGMENT_ARCHIVE, SegmentLayer, SEGMENTS_DIR } from './SegmentLayer.js';
import { mergeOp, relabelOp, splitAlongLineOp, splitBySeedsOp } from './segmentOps.js';

const run = { created: '2026-11-30T00:00:00Z', model: 'v1', count: 3, seconds: 1, settings: {} };
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'membrana-segments-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** 4 × 3 × 2 volume: ids 1 (left), 2 (right), 0 between. */
function volume(): Uint32Array {
  return Uint32Array.from([1, 1, 0, 2, 1, 1, 0, 2, 1, 1, 0, 2, 1, 1, 0, 2, 1, 1, 0, 2, 1, 3, 0, 2]);
}

describe('SegmentLayer', () => {
  it('keeps a replaced segmentation and its edits in segments/archive/, readable as before', async () => {
    const first = await SegmentLayer.create(dir, volume(), run, null);
    const merge = mergeOp(first.ids, 1, 2);
    await first.edit('merge', merge.indices, merge.after);
    const merged = first.ids.slice();
    const second = await SegmentLayer.create(dir, Uint32Array.from(volume(), (id) => id * 10), { ...run, model: 'v2' }, first);
    expect(second.ids[0]).toBe(10);
    expect(second.canUndo).toBe(false);
    await second.close();
    const archive = path.join(dir, SEGMENTS_DIR, SEGMENT_ARCHIVE);
    const [kept] = await readdir(archive);
    expect((await readdir(path.join(archive, kept!))).sort()).toEqual(['base.json', 'base.u32', 'journal.bin']);
    // The archived folder opens like a project's segments: the old base with its merge replayed.
    const restored = await SegmentLayer.openFolder(path.join(archive, kept!), 24);
    expect(Array.from(restored!.ids)).toEqual(Array.from(merged));
    expect(restored!.canUndo).toBe(true);
    await restored!.close();
  });

  it('drops a replaced segmentation that was never edited (it can be made again)', async () => {
    const first = await SegmentLayer.create(dir, volume(), run, null);
    const second = await SegmentLayer.create(dir, volume(), run, first);
    await second.close();
    await expect(readdir(path.join(dir, SEGMENTS_DIR, SEGMENT_ARCHIVE))).rejects.toThrow();
    expect((await readdir(path.join(dir, SEGMENTS_DIR))).sort()).toEqual(['base.json', 'base.u32', 'journal.bin']);
  });

  it('has no segmentation until one is made', async () => {
    expect(await SegmentLayer.open(dir, 24)).toBeNull();
  });

  it('merges, undoes and redoes, and replays all of it, with notes, after reopening', async () => {
    const layer = await SegmentLayer.create(dir, volume(), run, null);
    const merge = mergeOp(layer.ids, 1, 2);
    const change = await layer.edit('merge', merge.indices, merge.after);
    expect(change?.indices.length).toBe(6);
    expect(layer.ids.filter((id) => id === 2).length).toBe(0);
    await layer.setNote(1, 'long axon', ['axon', 'checked', 'axon']);
    const deleted = relabelOp(layer.ids, 3, 0);
    await layer.edit('delete', deleted.indices, deleted.after);
    await layer.undo();
    expect(layer.ids[21]).toBe(3);
    await layer.close();

    const reopened = (await SegmentLayer.open(dir, 24))!;
    expect(reopened.ids.filter((id) => id === 2).length).toBe(0);
    expect(reopened.ids[21]).toBe(3);
    expect(reopened.note(1)).toEqual({ note: 'long axon', tags: ['axon', 'checked'] });
    expect(reopened.canRedo).toBe(true);
    await reopened.redo();
    expect(reopened.ids[21]).toBe(0);
    await reopened.undo();
    await reopened.undo();
    expect(Array.from(reopened.ids)).toEqual(Array.from(volume()));
    expect(reopened.canUndo).toBe(false);
    await reopened.close();
  });

  it('keeps every acknowledged edit when the journal ends in a torn record', async () => {
    const layer = await SegmentLayer.create(dir, volume(), run, null);
    const merge = mergeOp(layer.ids, 1, 2);
    await layer.edit('merge', merge.indices, merge.after);
    await layer.setNote(1, 'x', []);
    await layer.close();
    const file = path.join(dir, SEGMENTS_DIR, 'journal.bin');
    await truncate(file, (await stat(file)).size - 3);
    const reopened = (await SegmentLayer.open(dir, 24))!;
    expect(reopened.ids.filter((id) => id === 2).length).toBe(0);
    expect(reopened.note(1)).toBeUndefined();
    await reopened.close();
  });

  it('a new run replaces the base and its edits', async () => {
    const first = await SegmentLayer.create(dir, volume(), run, null);
    const merge = mergeOp(first.ids, 1, 2);
    await first.edit('merge', merge.indices, merge.after);
    const second = await SegmentLayer.create(dir, volume(), { ...run, count: 3 }, first);
    expect(second.canUndo).toBe(false);
    await second.close();
    const reopened = (await SegmentLayer.open(dir, 24))!;
    expect(Array.from(reopened.ids)).toEqual(Array.from(volume()));
    await reopened.close();
  });

  it('refuses a base file of the wrong size, naming it', async () => {
    const layer = await SegmentLayer.create(dir, volume(), run, null);
    await layer.close();
    await expect(SegmentLayer.open(dir, 25)).rejects.toThrow(/base\.u32.*96 bytes/);
  });
});

describe('segment operations', () => {
  it('splits a segment in one slice along a drawn line', () => {
    // 5 × 4 slice, one segment (7) everywhere; a vertical cut at x = 2.
    const ids = new Uint32Array(20).fill(7);
    const split = splitAlongLineOp(ids, 5, 4, 0, [{ x: 2.5, y: 0.2 }, { x: 2.5, y: 3.8 }], 8)!;
    expect(split.segment).toBe(7);
    const after = ids.slice();
    split.op.indices.forEach((i, k) => (after[i] = split.op.after[k]!));
    // Column 2 is boundary, one side keeps 7, the other becomes 8.
    for (let y = 0; y < 4; y++) expect(after[y * 5 + 2]).toBe(0);
    const left = new Set([after[0], after[1]]);
    const right = new Set([after[3], after[4]]);
    expect(left.size).toBe(1);
    expect(right.size).toBe(1);
    expect(new Set([...left, ...right])).toEqual(new Set([7, 8]));
    expect(splitAlongLineOp(ids, 5, 4, 0, [{ x: 0.5, y: 0.5 }, { x: 1.5, y: 0.5 }], 8)).toBeNull();
  });

  it('splits a 3D segment between seeds by distance inside it, in nanometres', () => {
    // A 6 × 1 × 3 rod of id 5: seeds at both ends of slice 0; slices are 50 nm apart, pixels 4.
    const ids = new Uint32Array(18).fill(5);
    const op = splitBySeedsOp(ids, 6, 1, 3, { x: 4, y: 4, z: 50, unit: 'nm' }, 5, [
      { x: 0, y: 0, z: 0 },
      { x: 5, y: 0, z: 0 },
    ], [9]);
    const after = ids.slice();
    op.indices.forEach((i, k) => (after[i] = op.after[k]!));
    expect(Array.from(after.subarray(0, 6))).toEqual([5, 5, 5, 9, 9, 9]);
    // Voxels above take the seed below them (50 nm up beats 12 nm across only when nearer).
    expect(after[6]).toBe(5);
    expect(after[11]).toBe(9);
    expect(() => splitBySeedsOp(new Uint32Array(18), 6, 1, 3, { x: 4, y: 4, z: 50, unit: 'nm' }, 5, [{ x: 0, y: 0, z: 0 }], [])).toThrow(/not on segment 5/);
  });
});
