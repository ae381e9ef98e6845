import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CELL, CorrectionLayer, MEMBRANE, UNLABELLED, type LabelValue } from './CorrectionLayer.js';
import { Journal, type JournalRecord } from './Journal.js';

const [W, H, D] = [8, 6, 3];
let dir: string;
let file: string;
const open: Journal[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'membrana-corrections-'));
  file = path.join(dir, 'journal.bin');
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((journal) => journal.close()));
  await rm(dir, { recursive: true, force: true });
});

/** Opens the journal and replays it, as Project.open does. */
async function reopen(): Promise<CorrectionLayer> {
  const { journal, records } = await Journal.open(file);
  open.push(journal);
  return CorrectionLayer.replay(records, W, H, D, journal);
}

async function closeAll(): Promise<void> {
  await Promise.all(open.splice(0).map((journal) => journal.close()));
}

const px = (...indices: number[]): Uint32Array => Uint32Array.from(indices);

/** Slice z as a short string of label digits, row by row, for readable expectations. */
function picture(layer: CorrectionLayer, z: number): string {
  const labels = layer.slice(z);
  return Array.from({ length: H }, (_, y) => labels.subarray(y * W, (y + 1) * W).join('')).join('/');
}

describe('CorrectionLayer', () => {
  it('paints overlapping strokes, undoes and redoes them to exact states', async () => {
    const layer = await reopen();
    const empty = picture(layer, 1);
    const first = await layer.paint(1, px(0, 1, 2, 3), MEMBRANE, 'brush');
    expect(first).toEqual({ id: 1, z: 1, indices: px(0, 1, 2, 3), values: Uint8Array.of(1, 1, 1, 1) });
    const afterFirst = picture(layer, 1);
    const second = await layer.paint(1, px(3, 2, 9, 2), CELL, 'brush');
    expect(second).toEqual({ id: 2, z: 1, indices: px(2, 3, 9), values: Uint8Array.of(2, 2, 2) });
    expect(picture(layer, 1).slice(0, 17)).toBe('11220000/02000000');
    expect(await layer.undo()).toEqual({ id: 2, z: 1, indices: px(2, 3, 9), values: Uint8Array.of(1, 1, 0) });
    expect(picture(layer, 1)).toBe(afterFirst);
    expect(await layer.undo()).toEqual({ id: 1, z: 1, indices: px(0, 1, 2, 3), values: Uint8Array.of(0, 0, 0, 0) });
    expect(picture(layer, 1)).toBe(empty);
    expect(layer.canUndo).toBe(false);
    expect(await layer.undo()).toBeNull();
    expect((await layer.redo())?.values).toEqual(Uint8Array.of(1, 1, 1, 1));
    expect((await layer.redo())?.values).toEqual(Uint8Array.of(2, 2, 2));
    expect(layer.canRedo).toBe(false);
    expect(await layer.redo()).toBeNull();
    expect(layer.counts(1)).toEqual({ unlabelled: W * H - 5, membrane: 2, cell: 3 });
    expect(layer.labelledSlices()).toEqual([1]);
  });

  it('skips pixels already at the value and returns null when nothing changes', async () => {
    const layer = await reopen();
    await layer.paint(0, px(4, 5), CELL, 'brush');
    expect(await layer.paint(0, px(5, 4, 5), CELL, 'brush')).toBeNull();
    expect(await layer.paint(0, px(), MEMBRANE, 'brush')).toBeNull();
    expect(await layer.paint(2, px(7), UNLABELLED, 'eraser')).toBeNull();
    expect((await layer.paint(0, px(5, 6), UNLABELLED, 'eraser'))?.indices).toEqual(px(5));
    await closeAll();
    const { journal, records } = await Journal.open(file);
    await journal.close();
    expect(records.map((record) => record.kind)).toEqual(['edit', 'edit']);
  });

  it('clears the redo stack when a new edit follows an undo', async () => {
    const layer = await reopen();
    await layer.paint(0, px(1), MEMBRANE, 'brush');
    await layer.paint(0, px(2), MEMBRANE, 'brush');
    await layer.undo();
    expect(layer.canRedo).toBe(true);
    await layer.paint(0, px(3), CELL, 'brush');
    expect(layer.canRedo).toBe(false);
    expect(await layer.redo()).toBeNull();
    expect(picture(layer, 0).slice(0, 8)).toBe('01020000');
    await closeAll();
    const reopened = await reopen();
    expect(reopened.canRedo).toBe(false);
    expect((await reopened.undo())?.id).toBe(3);
    expect((await reopened.undo())?.id).toBe(1);
    expect(picture(reopened, 0).slice(0, 8)).toBe('00000000');
  });

  it('restores labels, undo and redo history and validation marks after reopening', async () => {
    const layer = await reopen();
    for (let i = 0; i < 6; i++) await layer.paint(i % D, px(i, i + 1, 40), (1 + (i % 2)) as LabelValue, 'brush');
    await layer.undo();
    await layer.setValidation(2, true);
    await layer.setValidation(0, true);
    await layer.setValidation(0, false);
    const pictures = [0, 1, 2].map((z) => picture(layer, z));
    await closeAll();

    const reopened = await reopen();
    expect([0, 1, 2].map((z) => picture(reopened, z))).toEqual(pictures);
    expect(reopened.validationSlices()).toEqual([2]);
    expect(reopened.canRedo).toBe(true);
    expect((await reopened.redo())?.id).toBe(6);
    const undone: number[] = [];
    for (let change = await reopened.undo(); change; change = await reopened.undo()) undone.push(change.id);
    expect(undone).toEqual([6, 5, 4, 3, 2, 1]);
    expect([0, 1, 2].map((z) => reopened.counts(z).unlabelled)).toEqual([W * H, W * H, W * H]);
    expect(reopened.labelledSlices()).toEqual([]);
    expect(await reopened.setValidation(2, true)).toBe(false);
  });

  it('keeps an edit that reached the journal although the layer never applied it (crash before acknowledging)', async () => {
    const first = await reopen();
    await first.paint(0, px(0), MEMBRANE, 'brush');
    const journal = open[0]!;
    await journal.append({ kind: 'edit', id: 2, z: 0, tool: 'brush', indices: px(1, 2), before: Uint8Array.of(0, 0), after: Uint8Array.of(2, 2), time: new Date().toISOString() });
    await closeAll();
    const reopened = await reopen();
    expect(picture(reopened, 0).slice(0, 8)).toBe('12200000');
    expect((await reopened.undo())?.id).toBe(2);
    expect((await reopened.paint(0, px(3), CELL, 'brush'))?.id).toBe(3);
  });

  it('runs concurrent calls in order, so each edit knows the labels before it', async () => {
    const layer = await reopen();
    const results = await Promise.all([layer.paint(0, px(7), MEMBRANE, 'a'), layer.paint(0, px(7), CELL, 'b'), layer.undo(), layer.undo()]);
    expect(results.map((change) => change?.values[0])).toEqual([MEMBRANE, CELL, MEMBRANE, UNLABELLED]);
    await closeAll();
    expect(picture(await reopen(), 0)).toBe(picture(layer, 0));
  });

  it('matches a simple model over a long random session with reopenings', async () => {
    let layer = await reopen();
    const history: Uint8Array[][] = [[0, 1, 2].map(() => new Uint8Array(W * H))];
    let position = 0; // history[position] is the current state
    let seed = 7;
    const random = (n: number): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
    for (let step = 0; step < 150; step++) {
      const action = random(10);
      if (action < 6) {
        const z = random(D);
        const value = random(3) as LabelValue;
        const indices = Uint32Array.from({ length: random(12) }, () => random(W * H));
        const change = await layer.paint(z, indices, value, 'brush');
        const next = history[position]!.map((labels) => labels.slice());
        indices.forEach((index) => (next[z]![index] = value));
        if (change) {
          history.splice(position + 1, Infinity, next);
          position++;
        } else {
          expect(next).toEqual(history[position]);
        }
      } else if (action < 8) {
        expect((await layer.undo()) === null).toBe(position === 0);
        position = Math.max(0, position - 1);
      } else if (action < 9) {
        expect((await layer.redo()) === null).toBe(position === history.length - 1);
        position = Math.min(history.length - 1, position + 1);
      } else {
        await closeAll();
        layer = await reopen();
      }
      expect([0, 1, 2].map((z) => layer.slice(z))).toEqual(history[position]);
    }
  });

  it('keeps labels in 256² tiles made on first touch, matching a dense model across tile edges', async () => {
    // 520 × 300: three tiles across (the last 8 wide), two down (the last 44 high).
    const [w, h] = [520, 300];
    const { journal, records } = await Journal.open(file);
    open.push(journal);
    let layer = CorrectionLayer.replay(records, w, h, 2, journal);
    const dense = [new Uint8Array(w * h), new Uint8Array(w * h)];
    let seed = 11;
    const random = (n: number): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
    for (let step = 0; step < 40; step++) {
      const z = random(2);
      const value = random(3) as LabelValue;
      // A short horizontal run, often across a tile edge (x 250–262 or 510–519).
      const y = random(h), x0 = [250, 510, random(w)][random(3)]!;
      const indices = Uint32Array.from({ length: 12 }, (_, k) => y * w + Math.min(w - 1, x0 + k));
      await layer.paint(z, indices, value, 'brush');
      indices.forEach((i) => (dense[z]![i] = value));
    }
    const check = (l: CorrectionLayer): void => {
      for (const z of [0, 1]) {
        expect(l.slice(z)).toEqual(dense[z]);
        const counts = l.counts(z);
        expect(counts.membrane).toBe(dense[z]!.filter((v) => v === MEMBRANE).length);
        expect(counts.cell).toBe(dense[z]!.filter((v) => v === CELL).length);
      }
    };
    check(layer);
    // Only touched tiles exist: six tiles a slice at most, and the bottom-right one only when touched.
    expect(layer.touchedTiles(0).every((t) => t >= 0 && t < 6)).toBe(true);
    await closeAll();
    const reopened = await Journal.open(file);
    open.push(reopened.journal);
    layer = CorrectionLayer.replay(reopened.records, w, h, 2, reopened.journal);
    check(layer);
    expect(layer.recordCount).toBe(reopened.records.length);
  });

  it('rejects slices, pixels and values outside the stack with clear errors, changing nothing', async () => {
    const layer = await reopen();
    await expect(layer.paint(3, px(0), MEMBRANE, 'brush')).rejects.toMatchObject({ code: 'INVALID_EDIT', message: expect.stringContaining('Slice 3 is outside the stack (slices 0–2)') });
    await expect(layer.paint(-1, px(0), MEMBRANE, 'brush')).rejects.toMatchObject({ code: 'INVALID_EDIT' });
    await expect(layer.paint(0.5, px(0), MEMBRANE, 'brush')).rejects.toMatchObject({ code: 'INVALID_EDIT' });
    await expect(layer.paint(0, px(1, W * H), MEMBRANE, 'brush')).rejects.toMatchObject({ code: 'INVALID_EDIT', message: expect.stringContaining(`Pixel index ${W * H}`) });
    await expect(layer.paint(0, px(1), 3 as LabelValue, 'brush')).rejects.toMatchObject({ code: 'INVALID_EDIT', message: expect.stringContaining('Label value 3') });
    await expect(layer.paint(0, [1] as unknown as Uint32Array, MEMBRANE, 'brush')).rejects.toMatchObject({ code: 'INVALID_EDIT' });
    await expect(layer.setValidation(9, true)).rejects.toMatchObject({ code: 'INVALID_EDIT' });
    expect(() => layer.slice(3)).toThrow(/Slice 3/);
    expect(layer.canUndo).toBe(false);
    await closeAll();
    await expect(layer.paint(0, px(1), MEMBRANE, 'brush')).rejects.toMatchObject({ code: 'JOURNAL_CLOSED' });
    expect(layer.labelledSlices()).toEqual([]);
    expect(layer.canUndo).toBe(false);
  });

  it('refuses a journal whose records do not fit the stack or the history, naming the file and record', async () => {
    const time = 't';
    const edit = (z: number, indices: number[], before: number[], after: number[], id = 1): JournalRecord => ({
      kind: 'edit', id, z, tool: 'x', indices: Uint32Array.from(indices), before: Uint8Array.from(before), after: Uint8Array.from(after), time,
    });
    const cases: [JournalRecord[], RegExp][] = [
      [[edit(3, [0], [0], [1])], /record 1 \(edit\) paints slice 3/],
      [[edit(0, [W * H], [0], [1])], /record 1 \(edit\) paints pixel 48/],
      [[edit(0, [0, 1], [0], [1, 1])], /has 2 pixels but 1 before/],
      [[edit(0, [0], [0], [5])], /label value 5/],
      [[edit(0, [0], [0], [1]), edit(0, [0], [0], [2], 2)], /record 2 \(edit\) expects pixel 0 to be 0 before the edit, but it is 1/],
      [[edit(0, [0], [0], [1], 2), edit(0, [1], [0], [1], 2)], /record 2 \(edit\) has edit id 2, but ids must increase/],
      [[edit(0, [0], [0], [1]), { kind: 'undo', id: 7, time }], /record 2 \(undo\) undoes edit 7, but the edit to undo is 1/],
      [[{ kind: 'redo', id: 1, time }], /nothing to redo/],
      [[{ kind: 'validation', z: 9, on: true, time }], /marks slice 9/],
    ];
    const { journal } = await Journal.open(file);
    open.push(journal);
    for (const [records, message] of cases) {
      expect(() => CorrectionLayer.replay(records, W, H, D, journal)).toThrow(message);
      expect(() => CorrectionLayer.replay(records, W, H, D, journal)).toThrow(expect.objectContaining({ code: 'CORRUPT_JOURNAL', file, message: expect.stringContaining(file) }));
    }
  });

  it('exports labels in the ISBI convention with a mask of labelled pixels', async () => {
    const layer = await reopen();
    await layer.paint(1, px(0, 1), MEMBRANE, 'brush');
    await layer.paint(1, px(2), CELL, 'brush');
    const { labels, mask } = layer.isbiLabels(1);
    expect(Array.from(labels.subarray(0, 4))).toEqual([0, 0, 255, 0]);
    expect(Array.from(mask.subarray(0, 4))).toEqual([1, 1, 1, 0]);
    expect(layer.isbiLabels(0).mask.every((m) => m === 0)).toBe(true);
  });
});
