import { afterEach, describe, expect, it } from 'vitest';
import { LABEL } from '../../../../protocol/contract.js';
import { FakeProjectEngine, settle } from '../testing/fakeProjectEngine.js';
import { CorrectionGesture } from './CorrectionGesture.js';
import { ProjectSession } from './ProjectSession.svelte.js';

/**
 * Records the size in bytes of every typed array and ArrayBuffer made while it is installed:
 * through their constructors (and from/of), and through slice/map/filter of existing arrays.
 */
function trackAllocations(): { sizes: number[]; restore(): void } {
  const sizes: number[] = [];
  const g = globalThis as unknown as Record<string, unknown>;
  const names = ['Uint8Array', 'Uint8ClampedArray', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array', 'Int32Array', 'Float32Array', 'Float64Array', 'ArrayBuffer'];
  const originals = new Map(names.map((name) => [name, g[name]]));
  for (const name of names) {
    const original = g[name] as new (...args: unknown[]) => { byteLength: number };
    g[name] = new Proxy(original, {
      construct(target, args, newTarget) {
        const made = Reflect.construct(target, args, newTarget === g[name] ? target : newTarget) as { byteLength: number };
        sizes.push(made.byteLength);
        return made;
      },
    });
  }
  const typedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as Record<string, (...args: unknown[]) => { byteLength: number }>;
  const methods = ['slice', 'map', 'filter'] as const;
  const originalMethods = methods.map((m) => typedArrayPrototype[m]!);
  methods.forEach((m, k) => {
    const original = originalMethods[k]!;
    typedArrayPrototype[m] = function (this: unknown, ...args: unknown[]) {
      const made = original.apply(this, args);
      sizes.push(made.byteLength);
      return made;
    };
  });
  return {
    sizes,
    restore() {
      for (const [name, value] of originals) g[name] = value;
      methods.forEach((m, k) => (typedArrayPrototype[m] = originalMethods[k]!));
    },
  };
}

let tracking: { restore(): void } | null = null;
afterEach(() => {
  tracking?.restore();
  tracking = null;
});

async function openSlice(size: number): Promise<{ engine: FakeProjectEngine; project: ProjectSession; errors: unknown[] }> {
  const engine = new FakeProjectEngine(size, size, 2);
  const errors: unknown[] = [];
  const project = new ProjectSession(engine.info, () => engine.client, (_title, error) => errors.push(error));
  await project.load(0);
  return { engine, project, errors };
}

const brush = { tool: 'brush' as const, label: LABEL.membrane, radius: 20 };

describe('CorrectionGesture: a brush stroke', () => {
  it('allocates no whole-slice buffer on a 4096² slice: it records its own "before" as it paints', async () => {
    const size = 4096;
    const { engine, project, errors } = await openSlice(size);
    engine.labels.set(0, new Uint8Array(size * size)); // the engine's own copy, made before counting
    const labels = project.layers(0)!.labels;
    labels[2100 * size + 2000] = LABEL.cell; // a pixel the stroke crosses, labelled before it
    const allocations = trackAllocations();
    tracking = allocations;
    const gesture = CorrectionGesture.start(project, 0, brush, { x: 1500, y: 2000 }, 1, () => {})!;
    for (let k = 1; k <= 100; k++) gesture.extend({ x: 1500 + k * 10, y: 2000 + k * 2 });
    gesture.finish();
    await settle();
    allocations.restore();
    expect(errors).toEqual([]);
    expect(engine.journal).toHaveLength(1);
    const pixels = engine.journal[0]!.indices.length;
    expect(pixels).toBeGreaterThan(40_000);
    // Nothing near the slice's 16.8 MB: the largest buffers hold the stroke's own pixels.
    const largest = Math.max(...allocations.sizes);
    expect(largest).toBeLessThan(size * size / 16);
    expect(largest).toBeLessThanOrEqual(pixels * 4 * 2);
    // The recorder's mask covers the blocks the stroke crosses, not the slice.
    expect(gesture.stroke!.maskBytes).toBeLessThan(pixels * 4);
    expect(gesture.stroke!.pixels().before.filter((v) => v === LABEL.cell)).toHaveLength(1);
  });

  it('puts back exactly what each pixel held when cancelled', async () => {
    const { project } = await openSlice(64);
    const labels = project.layers(0)!.labels;
    for (let x = 0; x < 64; x++) labels[30 * 64 + x] = LABEL.cell;
    const before = labels.slice();
    const gesture = CorrectionGesture.start(project, 0, { ...brush, radius: 3 }, { x: 5, y: 30 }, 1, () => {})!;
    gesture.extend({ x: 40, y: 31 });
    gesture.extend({ x: 10, y: 32 }); // back over its own pixels: their "before" stays the original
    expect(labels[30 * 64 + 20]).toBe(LABEL.membrane);
    gesture.cancel();
    expect(labels).toEqual(before);
  });

  it('is not drawn again when the engine echoes it back, but is when the engine says otherwise', async () => {
    const { engine, project } = await openSlice(64);
    const gesture = CorrectionGesture.start(project, 0, { ...brush, radius: 3 }, { x: 10, y: 10 }, 1, () => {})!;
    gesture.extend({ x: 30, y: 10 });
    project.takeChanges();
    const revision = project.revision;
    gesture.finish();
    await settle();
    expect(engine.journal).toHaveLength(1);
    // Neither the release nor the engine's echo changed a pixel on screen: no redraw.
    expect(project.revision).toBe(revision);
    expect(project.takeChanges()).toEqual([]);
    expect(project.saving).toBe(false);
    // An undo the engine answers with other values is drawn.
    engine.client.undo = async () => ({ change: { z: 0, indices: Uint32Array.of(10 * 64 + 10), values: Uint8Array.of(0) }, canUndo: false, canRedo: true, labelledSlices: [] });
    await project.undo();
    expect(project.revision).toBe(revision + 1);
    expect(project.layers(0)!.labels[10 * 64 + 10]).toBe(0);
  });
});
