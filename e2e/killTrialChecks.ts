import type { EditResult, SegmentEditResult } from '../protocol/contract.js';
import type { EngineConnection } from './killTrialClient.js';
import type { PlannedCall, Shape } from './killTrialEdits.js';
import { firstDifference, type EditModel, type ModelStep, type Voxels } from './killTrialModel.js';

export type TrialKind = 'corrections' | 'segments';

/** A corrections answer against the model: the change, undo/redo state and labelled slices. */
export function checkEdit(result: EditResult, step: ModelStep, plane: number, labelledSlices: number[]): string | null {
  const change = step.change;
  if (!change) return result.change === null ? flagsDiffer(result, step) : `changed ${result.change.indices.length} px; the model says nothing changes`;
  if (!result.change) return `changed nothing; the model says ${change.indices.length} px change`;
  const z = Math.floor(change.indices[0]! / plane);
  const indices = Array.from(change.indices, (i) => i - z * plane);
  if (result.change.z !== z) return `changed slice ${result.change.z}; the model says ${z}`;
  const at = firstDifference(result.change.indices, indices);
  if (at !== -1) return `changed pixel indices differ from the model's at ${at} (${result.change.indices[at]} vs ${indices[at]})`;
  if (firstDifference(result.change.values, change.values) !== -1) return 'the new values differ from the model';
  if (result.labelledSlices.join() !== labelledSlices.join()) return `labelled slices ${result.labelledSlices.join()}; the model says ${labelledSlices.join()}`;
  return flagsDiffer(result, step);
}

export function checkSegmentEdit(result: SegmentEditResult | null, call: PlannedCall): string | null {
  const change = call.expect.change;
  if (!change) return result === null ? null : `changed ${result.indices.length} voxels; the model says nothing changes`;
  if (!result) return `changed nothing; the model says ${change.indices.length} voxels change`;
  const at = firstDifference(result.indices, change.indices);
  if (at !== -1) return `changed voxels differ from the model's at ${at} (${result.indices[at]} vs ${change.indices[at]}; ${result.indices.length} vs ${change.indices.length} voxels)`;
  if (firstDifference(result.ids, change.values) !== -1) return 'the new ids differ from the model';
  const touched = new Set([...change.values, ...change.previous]);
  touched.delete(0);
  if ([...touched].sort((a, b) => a - b).join() !== [...result.touched].sort((a, b) => a - b).join()) return `touched ${result.touched.join()}; the model says ${[...touched].join()}`;
  return flagsDiffer(result.segmentation, call.expect);
}

function flagsDiffer(flags: { canUndo: boolean; canRedo: boolean }, step: ModelStep): string | null {
  const undo = step.undo.length > 0;
  const redo = step.redo.length > 0;
  return flags.canUndo === undo && flags.canRedo === redo ? null : `canUndo ${flags.canUndo}, canRedo ${flags.canRedo}; the model says ${undo}, ${redo}`;
}

/** Every slice's labels (getOverlay) or neuron ids (getSegmentSlice), as one volume. */
export async function readState(engine: EngineConnection, projectId: string, kind: TrialKind, shape: Shape): Promise<Voxels> {
  const plane = shape.width * shape.height;
  const out = kind === 'corrections' ? new Uint8Array(plane * shape.depth) : new Uint32Array(plane * shape.depth);
  for (let z = 0; z < shape.depth; z++) {
    if (kind === 'corrections') {
      const { labels } = await engine.getOverlay({ projectId, z });
      if (labels.length > 0) out.set(labels, z * plane);
    } else {
      const slice = await engine.getSegmentSlice({ projectId, z });
      if (!slice) throw new Error(`The reopened project has no segmentation (slice ${z}).`);
      out.set(slice.ids, z * plane);
    }
  }
  return out;
}

/**
 * The recovered history must be the model's at one of the matching call counts: undo, undo and
 * redo on the reopened project are checked against each candidate; the first that agrees wins.
 * `model` holds the state after `lowest` calls; steps up to `highest` replay it forwards.
 */
export async function checkHistory(
  engine: EngineConnection,
  projectId: string,
  kind: TrialKind,
  plane: number,
  model: EditModel<Voxels>,
  steps: ModelStep[],
  candidates: number[],
  highest: number,
  lowest: number,
  failures: string[],
): Promise<number | null> {
  const forks = new Map<number, EditModel<Voxels>>();
  const replay = model.fork([], []);
  for (let k = lowest; k <= highest; k++) {
    const step = steps[k]!;
    if (k > lowest) replay.reapply(step);
    if (candidates.includes(k)) forks.set(k, replay.fork(step.undo, step.redo));
  }
  const alive = new Set(candidates);
  const moves = kind === 'corrections' ? (['undo', 'undo', 'redo'] as const) : (['undoSegments', 'undoSegments', 'redoSegments'] as const);
  for (const method of moves) {
    const result = await engine[method]({ projectId });
    for (const k of [...alive]) {
      const fork = forks.get(k)!;
      const step = method.startsWith('undo') ? fork.undo() : fork.redo();
      const problem = kind === 'corrections' ? checkEdit(result as EditResult, step, plane, labelledOf(fork.voxels, plane)) : checkSegmentEdit(result as SegmentEditResult | null, { method, expect: step } as PlannedCall);
      if (problem) alive.delete(k);
    }
  }
  if (alive.size === 0) {
    failures.push(`undo, undo, redo after reopening do not match the history after any of ${candidates.join(', ')} calls`);
    return null;
  }
  return Math.max(...alive);
}

function labelledOf(labels: Voxels, plane: number): number[] {
  const out: number[] = [];
  for (let z = 0; z * plane < labels.length; z++) if (labels.subarray(z * plane, (z + 1) * plane).some((v) => v !== 0)) out.push(z);
  return out;
}
