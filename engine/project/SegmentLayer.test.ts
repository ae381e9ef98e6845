import { mkdtemp, rm, truncate, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readdir } from 'node:fs/promises';
import { SEGMENT_ARCHIVE, SegmentLayer, SEGMENTS_DIR } from './SegmentLayer.js';
import { mergeOp, relabelOp, splitAlongLineOp, splitBySeedsOp, segmentBox } from './segmentOps.js';

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
    const split = splitAlongLineOp(ids, 5, 4, 0, [{ x: 2.5, y: 0.2 }, { x: 2.5, y: 3.8 }], 8);
    expect(split.segment).toBe(7);
    if (!split.op) throw new Error('the line should split');
    const after = ids.slice();
    split.op.indices.forEach((i, k) => (after[i] = split.op.after[k]!));
    // Column 2 is boundary, one side keeps 7, the other becomes 8.
    for (let y = 0; y < 4; y++) expect(after[y * 5 + 2]).toBe(0);
    const left = new Set([after[0], after[1]]);
    const right = new Set([after[3], after[4]]);
    expect(left.size).toBe(1);
    expect(right.size).toBe(1);
    expect(new Set([...left, ...right])).toEqual(new Set([7, 8]));
    expect(splitAlongLineOp(ids, 5, 4, 0, [{ x: 0.5, y: 0.5 }, { x: 1.5, y: 0.5 }], 8)).toEqual({ op: null, segment: 7 });
    expect(splitAlongLineOp(new Uint32Array(20), 5, 4, 0, [{ x: 0.5, y: 0.5 }, { x: 1.5, y: 0.5 }], 8)).toEqual({ op: null, segment: null });
  });

  it('does not count a sliver the line cuts off as a part: a line that stops short changes nothing', () => {
    // 10 × 10 of id 3. The line starts at the left edge, runs along the top row and down x = 5
    // to y = 6, short of the bottom edge: all it encloses is the corner pixel (0, 0).
    const ids = new Uint32Array(100).fill(3);
    const short = splitAlongLineOp(ids, 10, 10, 0, [{ x: 0.5, y: 2.5 }, { x: 1.5, y: 0.2 }, { x: 5.5, y: 0.2 }, { x: 5.5, y: 6.5 }], 4, 10);
    expect(short).toEqual({ op: null, segment: 3 });
    // The same sliver counts when no minimum is asked for: that is the 268 → 269 with nothing to see.
    expect(splitAlongLineOp(ids, 10, 10, 0, [{ x: 0.5, y: 2.5 }, { x: 1.5, y: 0.2 }, { x: 5.5, y: 0.2 }, { x: 5.5, y: 6.5 }], 4).op).not.toBeNull();
    // Right across, the two sides are parts.
    const across = splitAlongLineOp(ids, 10, 10, 0, [{ x: 5.5, y: 0.2 }, { x: 5.5, y: 9.8 }], 4, 10);
    expect(across.op?.after.filter((v) => v === 4).length).toBe(40);
  });

  it('splits a 3D segment between seeds along the membrane inside it, not halfway', () => {
    // A 20 × 1 × 3 rod of id 5; a membrane-like ridge at x = 4 in every slice. Seeds at both ends
    // of slice 0: the parts meet on the ridge (which becomes boundary), not in the middle.
    const ids = new Uint32Array(60).fill(5);
    const relief = Uint8Array.from({ length: 60 }, (_, i) => (i % 20 === 4 ? 200 : 0));
    const box = segmentBox(ids, 20, 1, 5)!;
    expect(box).toEqual({ x0: 0, x1: 20, y0: 0, y1: 1, z0: 0, z1: 3 });
    const op = splitBySeedsOp(ids, 20, 1, box, relief, { x: 4, y: 4, z: 50 }, 5, [
      { x: 0, y: 0, z: 0 },
      { x: 19, y: 0, z: 0 },
    ], [9]);
    const after = ids.slice();
    op.indices.forEach((i, k) => (after[i] = op.after[k]!));
    for (let z = 0; z < 3; z++) expect(Array.from(after.subarray(z * 20, z * 20 + 20))).toEqual([5, 5, 5, 5, 0, ...new Array<number>(15).fill(9)]);
    // A seed clicked on the ridge itself moves to the cell beside it (else it would start at the ridge's level).
    const onRidge = splitBySeedsOp(ids, 20, 1, box, relief, { x: 4, y: 4, z: 50 }, 5, [{ x: 4, y: 0, z: 0 }, { x: 19, y: 0, z: 0 }], [9]);
    expect(onRidge.indices.length).toBe(op.indices.length);
    expect(() => splitBySeedsOp(ids, 20, 1, box, relief, { x: 4, y: 4, z: 50 }, 5, [{ x: 0, y: 0, z: 0 }, { x: 27, y: 0, z: 0 }], [9])).toThrow(/Seed 2 at \(27, 0, 0\) is not on segment 5/);
    expect(() => splitBySeedsOp(ids, 20, 1, box, relief, { x: 4, y: 4, z: 50 }, 5, [{ x: 0, y: 0, z: 0 }, { x: 0.5, y: 0, z: 0 }], [9])).toThrow(/same voxel/);
  });
});
