import { describe, expect, it } from 'vitest';
import { LABEL } from '../../../../protocol/contract.js';
import { FakeProjectEngine, settle } from '../testing/fakeProjectEngine.js';
import { beginCorrection, beginSegmentEdit } from './beginEdit.js';
import type { CorrectionTool } from './CorrectionGesture.js';
import { PendingGesture } from './PendingGesture.js';
import { ProjectSession } from './ProjectSession.svelte.js';

const W = 16;
const H = 12;

function setup(): { engine: FakeProjectEngine; project: ProjectSession; errors: string[]; reports: string[]; report: (title: string, message: string, lasting?: boolean) => void } {
  const engine = new FakeProjectEngine(W, H, 8);
  const errors: string[] = [];
  const reports: string[] = [];
  const project = new ProjectSession(engine.info, () => engine.client, (title, error) => errors.push(`${title}: ${(error as Error).message}`));
  return { engine, project, errors, reports, report: (title, message, lasting) => reports.push(`${lasting ? '(lasting) ' : ''}${title}: ${message}`) };
}

const brush = { tool: 'brush' as const, label: LABEL.membrane, radius: 1 };
const fill = { tool: 'fill' as const, label: LABEL.cell, radius: 1 };

/** A prediction with membrane columns at x = 8 and x = 12: a closed cell 3 pixels wide between them. */
function twoCells(): Uint8Array {
  const p = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) p[y * W + 8] = p[y * W + 12] = 255;
  return p;
}

describe('beginCorrection: edits go to the slice the user moved to', () => {
  it('starts at once on a slice whose layers are loaded', async () => {
    const { engine, project, report } = setup();
    await project.load(2);
    const gesture = beginCorrection(project, 2, brush, { x: 3.5, y: 3.5 }, 1, report)!;
    expect(gesture).not.toBeInstanceOf(PendingGesture);
    gesture.finish();
    await settle();
    expect(engine.journal.map((e) => e.z)).toEqual([2]);
  });

  it('makes a stroke on a slice still loading wait for it, shows nothing meanwhile, and then saves it there', async () => {
    const { engine, project, report } = setup();
    await project.load(3); // the slice on screen
    engine.holdLoads = true;
    void project.load(4); // → passes through 4 …
    void project.load(6); // … to 6, where the user paints at once
    const gesture = beginCorrection(project, 6, brush, { x: 2.5, y: 2.5 }, 1, report)!;
    expect(gesture).toBeInstanceOf(PendingGesture);
    gesture.extend({ x: 6.5, y: 2.5 });
    gesture.finish();
    expect(project.saving).toBe(true);
    expect(project.waiting).toBe(1);
    expect(project.layers(3)!.labels.every((v) => v === 0)).toBe(true); // nothing on the slice on screen
    await engine.release(4); // an intermediate slice arrives first: nothing goes there
    expect(engine.journal).toEqual([]);
    expect(project.layers(4)!.labels.every((v) => v === 0)).toBe(true);
    await engine.release(6);
    await settle();
    expect(engine.journal.map((e) => [e.z, e.tool])).toEqual([[6, 'brush']]);
    // The whole path, from the press to the release.
    const painted = [...engine.journal[0]!.indices].map((i) => [i % W, Math.floor(i / W)]);
    expect(painted).toContainEqual([2, 2]);
    expect(painted).toContainEqual([6, 2]);
    expect(project.layers(6)!.labels[2 * W + 4]).toBe(LABEL.membrane);
    expect(project.saving).toBe(false);
    expect(project.waiting).toBe(0);
  });

  it('keeps the tool, label and brush size of the press, whatever is chosen while it waits', async () => {
    const { engine, project, report } = setup();
    engine.holdLoads = true;
    const tools: CorrectionTool = { ...brush };
    const gesture = beginCorrection(project, 1, tools, { x: 4.5, y: 4.5 }, 1, report)!;
    gesture.finish();
    tools.label = LABEL.cell;
    tools.radius = 5;
    await engine.release();
    await settle();
    expect(engine.journal).toHaveLength(1);
    expect(engine.journal[0]!.value).toBe(LABEL.membrane);
    expect(engine.journal[0]!.indices).toHaveLength(5); // radius 1: a cross of 5 pixels
  });

  it('fills on the waiting slice with that slice’s prediction', async () => {
    const { engine, project, report } = setup();
    engine.prediction = (z) => (z === 5 ? twoCells() : null);
    engine.holdLoads = true;
    const gesture = beginCorrection(project, 5, fill, { x: 10.5, y: 5.5 }, 1, report)!;
    expect(gesture.finished).toBe(false);
    gesture.finish();
    await engine.release();
    await settle();
    expect(engine.journal.map((e) => [e.z, e.tool, e.indices.length])).toEqual([[5, 'fill', 3 * H]]);
  });

  it('refuses a waiting fill, with a message, when the model changed while its slice loaded', async () => {
    const { engine, project, reports } = setup();
    engine.prediction = () => twoCells();
    engine.holdLoads = true;
    const gesture = beginCorrection(project, 5, fill, { x: 10.5, y: 5.5 }, 1, (t, m, lasting) => reports.push(`${lasting ? '(lasting) ' : ''}${t}: ${m}`))!;
    gesture.finish();
    // The user makes v2 active meanwhile (or a fine-tune ends and does).
    engine.holdLoads = false;
    await project.setActiveModel('v2');
    await engine.release();
    await settle();
    expect(engine.journal).toEqual([]);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatch(/^\(lasting\) The fill on slice 5 was not applied.*model changed from v1 to v2/);
    expect(project.saving).toBe(false);
  });

  it('refuses a waiting edit, with a message, when its slice cannot be loaded, and applies it nowhere else', async () => {
    const { engine, project, reports, errors, report } = setup();
    await project.load(0);
    engine.failing.add(2);
    engine.holdLoads = true;
    const gesture = beginCorrection(project, 2, brush, { x: 3.5, y: 3.5 }, 1, report)!;
    gesture.finish();
    await engine.release();
    await settle();
    expect(engine.journal).toEqual([]);
    expect(errors[0]).toMatch(/overlay of slice 2.*cannot be read/);
    expect(reports[0]).toMatch(/^\(lasting\) The brush on slice 2 was not applied.*corrections could not be loaded/);
    expect(project.layers(0)!.labels.every((v) => v === 0)).toBe(true);
    expect(project.saving).toBe(false);
  });

  it('applies nothing when a waiting stroke is cancelled', async () => {
    const { engine, project, reports, report } = setup();
    engine.holdLoads = true;
    const gesture = beginCorrection(project, 2, brush, { x: 3.5, y: 3.5 }, 1, report)!;
    gesture.cancel();
    await engine.release();
    await settle();
    expect(engine.journal).toEqual([]);
    expect(reports).toEqual([]);
    expect(project.saving).toBe(false);
  });

  it('closes a lasso drawn while its slice loads, and fills it on that slice', async () => {
    const { engine, project, report } = setup();
    await project.load(0);
    engine.holdLoads = true;
    const lasso = beginCorrection(project, 3, { tool: 'lasso', label: LABEL.cell, radius: 1 }, { x: 2, y: 2 }, 1, report)!;
    for (const p of [
      { x: 6, y: 2 },
      { x: 6, y: 6 },
      { x: 2, y: 6 },
    ])
      lasso.extend(p);
    lasso.finish();
    await engine.release();
    await settle();
    expect(engine.journal.map((e) => [e.z, e.tool, e.indices.length, e.value])).toEqual([[3, 'lasso', 16, LABEL.cell]]);
    expect(project.layers(0)!.labels.every((v) => v === 0)).toBe(true);
  });

  it('saves edits waiting for different slices each on its own slice, whichever loads first', async () => {
    const { engine, project, report } = setup();
    engine.holdLoads = true;
    for (const [z, x] of [
      [2, 2.5],
      [5, 6.5],
      [1, 10.5],
    ] as const) {
      const gesture = beginCorrection(project, z, brush, { x, y: 3.5 }, 1, report)!;
      gesture.finish();
    }
    expect(project.waiting).toBe(3);
    await engine.release(5);
    await engine.release(1);
    await engine.release(2);
    await settle();
    const byZ = new Map(engine.journal.map((e) => [e.z, Math.round(e.indices.reduce((s, i) => s + (i % W), 0) / e.indices.length)]));
    expect(byZ).toEqual(
      new Map([
        [5, 6],
        [1, 10],
        [2, 2],
      ]),
    );
  });
});

describe('beginSegmentEdit: segment clicks read the ids of the slice the user moved to', () => {
  /** Segment 1 left of x = 8, segment 2 right of it on slices below 4; on 4 and above, 3 and 4. */
  function segmented(): ReturnType<typeof setup> {
    const s = setup();
    s.engine.segments = (z) => Uint32Array.from({ length: W * H }, (_, i) => ((i % W) < 8 ? 1 : 2) + (z >= 4 ? 2 : 0));
    return s;
  }

  it('waits for the slice’s ids and merges the segments clicked there', async () => {
    const { engine, project, report } = segmented();
    await project.neurons.refresh();
    await project.neurons.load(1);
    const first = beginSegmentEdit(project, project.neurons, 1, 'merge', { x: 2.5, y: 2.5 }, 1, false, report);
    expect(first?.finished).toBe(true);
    expect(project.neurons.tools.mergeFirst).toBe(1);
    engine.holdLoads = true;
    // → → → to slice 4 (not loaded), then at once a click on the right-hand segment there.
    const second = beginSegmentEdit(project, project.neurons, 4, 'merge', { x: 12.5, y: 2.5 }, 1, false, report)!;
    second.finish();
    expect(engine.segmentEdits).toEqual([]);
    expect(project.saving).toBe(true);
    await engine.release();
    await settle();
    expect(engine.segmentEdits).toEqual([{ kind: 'merge', keep: 1, remove: 4 }]);
    expect(project.saving).toBe(false);
  });

  it('cuts along a line drawn while its slice loads, on that slice', async () => {
    const { engine, project, report } = segmented();
    await project.neurons.refresh();
    await project.neurons.load(1);
    engine.holdLoads = true;
    const cut = beginSegmentEdit(project, project.neurons, 5, 'cut', { x: 1, y: 4 }, 1, false, report)!;
    cut.extend({ x: 7, y: 4 });
    cut.finish();
    await engine.release();
    await settle();
    expect(engine.segmentEdits).toEqual([
      {
        kind: 'splitLine',
        z: 5,
        line: [
          { x: 1, y: 4 },
          { x: 7, y: 4 },
        ],
      },
    ]);
  });

  it('refuses a waiting click, with a message, when the neurons were segmented again meanwhile', async () => {
    const { engine, project, reports, report } = segmented();
    await project.neurons.refresh();
    engine.holdLoads = true;
    const click = beginSegmentEdit(project, project.neurons, 4, 'select', { x: 12.5, y: 2.5 }, 1, false, report)!;
    click.finish();
    engine.segmentationCreated = '2026-02-02T00:00:00Z';
    engine.holdLoads = false;
    await project.neurons.refresh();
    await engine.release();
    await settle();
    expect(reports[0]).toMatch(/^\(lasting\) The select on slice 4 was not applied.*segmented again/);
    expect(project.neurons.selection).toEqual([]);
  });
});
