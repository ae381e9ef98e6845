import type { SegmentOperation } from '../protocol/contract.js';
import type { EditModel, ModelStep } from './killTrialModel.js';

/** A seeded generator (mulberry32): the same seed gives the same trial. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const randomInt = (random: () => number, low: number, high: number): number => low + Math.floor(random() * (high - low + 1));

export interface Shape {
  width: number;
  height: number;
  depth: number;
}

/** One call of a trial and what the model says it does. */
export type PlannedCall =
  | { method: 'paint'; z: number; indices: Uint32Array; value: 0 | 1 | 2; expect: ModelStep }
  | { method: 'undo' | 'redo' | 'undoSegments' | 'redoSegments'; expect: ModelStep }
  | { method: 'editSegments'; operation: SegmentOperation; expect: ModelStep };

/**
 * A brush stroke as the UI sends one: discs along a short line on slice z, their pixel indices
 * concatenated (overlaps repeat pixels, as a stroke's dabs do), in stroke order, not sorted.
 */
function stroke(random: () => number, shape: Shape): Uint32Array {
  const { width, height } = shape;
  const radius = randomInt(random, 1, 12);
  const dabs = randomInt(random, 1, 5);
  let x = random() * width;
  let y = random() * height;
  const angle = random() * 2 * Math.PI;
  const out: number[] = [];
  for (let d = 0; d < dabs; d++) {
    for (let dy = -radius; dy <= radius; dy++) {
      for (let dx = -radius; dx <= radius; dx++) {
        const px = Math.floor(x) + dx;
        const py = Math.floor(y) + dy;
        if (dx * dx + dy * dy <= radius * radius && px >= 0 && py >= 0 && px < width && py < height) out.push(py * width + px);
      }
    }
    x += Math.cos(angle) * radius;
    y += Math.sin(angle) * radius;
  }
  return Uint32Array.from(out);
}

/**
 * The next corrections call: mostly strokes (on a few slices, so strokes overlap and paint over
 * each other, with the erase value too), undo and redo. The model plays it at once: the engine
 * runs a project's corrections one at a time in arrival order.
 */
export function planCorrection(random: () => number, shape: Shape, slices: number[], model: EditModel<Uint8Array>): PlannedCall {
  const roll = random();
  if (roll < 0.25) return { method: 'undo', expect: model.undo() };
  if (roll < 0.38) return { method: 'redo', expect: model.redo() };
  const z = slices[randomInt(random, 0, slices.length - 1)]!;
  const indices = stroke(random, shape);
  const value = random() < 0.2 ? 0 : random() < 0.5 ? 1 : 2;
  const plane = shape.width * shape.height;
  // The engine sorts a stroke's pixels and takes each once.
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const expect = model.edit(
    sorted.map((i) => z * plane + i),
    sorted.map(() => value),
  );
  return { method: 'paint', z, indices, value, expect };
}

/** What the segment edits still in flight may change: any call not yet answered may run after one sent now is read. */
export interface InFlight {
  ids: Set<number>;
}

/**
 * The next segment call: merges of two segments that meet on a slice, deletes, undo and redo.
 * (Cuts along a line are left out: which pieces count as slivers is still changing.) The engine
 * picks a merge's or delete's voxels when the call arrives, from the edits applied by then, and
 * applies them in arrival order. So with `arrivalSafe` an edit whose voxels an earlier call still
 * in flight may change is not sent: then the engine's answer is the same whichever of those
 * earlier calls it has applied, and the model, which plays calls in order, is exact.
 */
export function planSegmentEdit(random: () => number, shape: Shape, model: EditModel<Uint32Array>, inFlight: InFlight, arrivalSafe: boolean): PlannedCall {
  const { width, height, depth } = shape;
  const plane = width * height;
  const roll = random();
  if (roll < 0.2) return { method: 'undoSegments', expect: model.undo() };
  if (roll < 0.3) return { method: 'redoSegments', expect: model.redo() };
  const ids = model.voxels;
  const free = (id: number): boolean => id !== 0 && (!arrivalSafe || !inFlight.ids.has(id));
  for (let attempt = 0; attempt < 50; attempt++) {
    const z = randomInt(random, 0, depth - 1);
    const x = randomInt(random, 0, width - 1);
    const y = randomInt(random, 0, height - 1);
    const id = ids[z * plane + y * width + x]!;
    if (roll < 0.45) {
      if (!free(id) || voxelCount(ids, id) > MAX_EDIT_VOXELS) continue;
      return { method: 'editSegments', operation: { kind: 'delete', id }, expect: relabel(model, id, 0) };
    }
    // Merge a neighbour within 30 px on the same slice into it, or it into the neighbour: the
    // smaller goes, as when fragments are joined to their neuron.
    const nx = Math.min(width - 1, Math.max(0, x + randomInt(random, -30, 30)));
    const ny = Math.min(height - 1, Math.max(0, y + randomInt(random, -30, 30)));
    const other = ids[z * plane + ny * width + nx]!;
    if (id === 0 || other === 0 || other === id) continue;
    const [keep, remove] = voxelCount(ids, id) >= voxelCount(ids, other) ? [id, other] : [other, id];
    if (!free(remove) || voxelCount(ids, remove) > MAX_EDIT_VOXELS) continue;
    return { method: 'editSegments', operation: { kind: 'merge', keep, remove }, expect: relabel(model, remove, keep) };
  }
  return { method: 'undoSegments', expect: model.undo() };
}

/**
 * The most voxels a generated merge or delete moves. Merges chain into neurons of millions of
 * voxels; deleting or merging away one of those is rare in proofreading and would make each
 * call (its journal record and its answer) megabytes, so a trial would send a handful of calls.
 */
const MAX_EDIT_VOXELS = 30_000;

function voxelCount(ids: Uint32Array, id: number): number {
  let count = 0;
  for (let i = 0; i < ids.length; i++) if (ids[i] === id) count++;
  return count;
}

/** Every voxel of `id` becomes `to`, in voxel order (merge and delete). */
function relabel(model: EditModel<Uint32Array>, id: number, to: number): ModelStep {
  const indices: number[] = [];
  const ids = model.voxels;
  for (let i = 0; i < ids.length; i++) if (ids[i] === id) indices.push(i);
  return model.edit(indices, new Uint32Array(indices.length).fill(to));
}
