import { cp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EditResult, SegmentEditResult } from '../protocol/contract.js';
import { EngineError } from '../protocol/RpcClient.js';
import { launchServe, type ServeProcess } from './launchServe.js';
import { checkEdit, checkHistory, checkSegmentEdit, readState, type TrialKind } from './killTrialChecks.js';
import { connectServe, type EngineConnection } from './killTrialClient.js';
import { planCorrection, planSegmentEdit, randomInt, seededRandom, type InFlight, type PlannedCall, type Shape } from './killTrialEdits.js';
import { EditModel, firstDifference, type ModelStep, type Voxels } from './killTrialModel.js';

export type { TrialKind } from './killTrialChecks.js';

export interface TrialReport {
  kind: TrialKind;
  seed: number;
  /** Calls sent before the kill, answered with a result (or the error the model expects), and never answered. */
  sent: number;
  acknowledged: number;
  inFlightAtKill: number;
  maxInFlight: number;
  /** The recovered state is the state after this many calls (between the last acknowledged and the last sent). */
  recoveredAfter: number | null;
  lastAcknowledged: number;
  /** Acknowledged calls the recovered state lacks or contradicts, and answers the model disagrees with: all must be empty. */
  failures: string[];
  repaired: boolean;
  seconds: number;
  /** Seconds per phase: start and open, editing until the kill, restart and reopen, reading back and checking. */
  phases: { open: number; edit: number; reopen: number; check: number };
}

export interface TrialOptions {
  kind: TrialKind;
  seed: number;
  /** A project folder (from prepare) copied for the trial, left unchanged. */
  prepared: string;
  /** Most calls to send before the kill (at least 10). */
  maxCalls?: number;
  /** Send only segment edits whose voxels no call in flight can change (the engine picks them on arrival). */
  arrivalSafe?: boolean;
  /** Runs on the project folder between the kill and the restart (a test of the check: cut the journal). */
  afterKill?: (dir: string) => Promise<void>;
}

interface Sent {
  index: number;
  call: PlannedCall;
  /** 'ok': answered as the model says; 'unanswered': the socket closed first. */
  status: 'pending' | 'ok' | 'unanswered';
}

/**
 * Runs kill trials against serve mode, in `workDir` (trial copies, the engine's settings). The
 * server each trial restarts after its kill carries on as the next trial's, so a trial starts
 * the engine once.
 */
export class KillTrialRunner {
  private serve: ServeProcess | null = null;
  private readonly home: string;

  constructor(private readonly workDir: string) {
    this.home = path.join(workDir, 'home');
  }

  /**
   * Makes the project the trials copy: the built-in sample as a project, predicted, and (with
   * `segment`) segmented into neurons. Segmenting takes a minute, so it is done once per run.
   */
  async prepare(dir: string, segment: boolean): Promise<void> {
    await rm(dir, { recursive: true, force: true });
    const { engine, close } = await connectServe((await this.server()).url);
    try {
      const volume = await engine.openSample({});
      const project = await engine.newProject({ volumeId: volume.id, dir, name: 'kill trials' });
      await engine.predict({ projectId: project.id, first: 0, last: volume.depth - 1 });
      if (segment) await engine.segment({ projectId: project.id });
      await engine.closeProject({ projectId: project.id });
      await engine.closeVolume({ volumeId: volume.id });
    } finally {
      close();
    }
  }

  /** Stops the server. */
  async close(): Promise<void> {
    await this.serve?.stop();
    this.serve = null;
  }

  private async server(): Promise<ServeProcess> {
    this.serve ??= await launchServe([], { MEMBRANA_HOME: this.home });
    return this.serve;
  }

  /**
   * One kill trial: copies the prepared project, opens it, sends a seeded random stream of edits
   * with up to 6 in flight, checks every answer against the model, SIGKILLs the server at a
   * random moment, restarts it, reopens the project and finds the call count whose model state
   * the recovered one equals voxel for voxel, which must lie between the last acknowledged call
   * and the last sent. Then undo, undo, redo on the recovered project must do what the model says.
   */
  async trial(options: TrialOptions): Promise<TrialReport> {
    try {
      return await this.runTrial(options);
    } catch (error) {
      // Whatever state the server is in, the next trial starts a fresh one.
      await this.serve?.kill();
      this.serve = null;
      throw error;
    }
  }

  private async runTrial(options: TrialOptions): Promise<TrialReport> {
    const started = performance.now();
    const { kind, seed } = options;
    const random = seededRandom(seed);
    const dir = path.join(this.workDir, `${kind}-${seed}`);
    await rm(dir, { recursive: true, force: true });
    await cp(options.prepared, dir, { recursive: true });
    const failures: string[] = [];
    const marks = [performance.now()];
    const first = await connectServe((await this.server()).url);
    const opened = await first.engine.openProject({ dir });
    const shape: Shape = { width: opened.volume.width, height: opened.volume.height, depth: opened.volume.depth };
    const plane = shape.width * shape.height;
    const voxels = plane * shape.depth;
    const projectId = opened.id;
    let model: EditModel<Voxels>;
    if (kind === 'corrections') {
      if (opened.labelledSlices.length > 0 || opened.canUndo) throw new Error(`The prepared project ${options.prepared} already has corrections.`);
      model = new EditModel(new Uint8Array(voxels));
    } else {
      const segmentation = await first.engine.segmentation({ projectId });
      if (!segmentation || segmentation.canUndo) throw new Error(`The prepared project ${options.prepared} is not segmented, or has segment edits.`);
      const base = await readFile(path.join(dir, 'segments', 'base.u32'));
      const ids = new Uint32Array(base.buffer.slice(base.byteOffset, base.byteOffset + base.byteLength));
      model = new EditModel(ids);
    }
    marks.push(performance.now());
    const steps: ModelStep[] = [model.none()];
    const labelled = new Int32Array(shape.depth);
    const slices = Array.from({ length: randomInt(random, 1, 4) }, () => randomInt(random, 0, shape.depth - 1));
    const maxInFlight = randomInt(random, 1, 6);
    const killAfter = randomInt(random, 10, Math.max(10, options.maxCalls ?? 250));
    const sent: Sent[] = [];
    let lastAcknowledged = 0;
    let answered: (() => void) | null = null;
    const inFlight = (): Sent[] => sent.filter((s) => s.status === 'pending');

    const send = (call: PlannedCall): Promise<void> => {
      const entry: Sent = { index: sent.length + 1, call, status: 'pending' };
      sent.push(entry);
      steps.push(call.expect);
      if (kind === 'corrections') countLabels(call.expect, labelled, plane);
      const expectedLabelled = [...labelled.keys()].filter((z) => labelled[z]! > 0);
      return invoke(first.engine, projectId, call).then(
        (result) => {
          const problem = kind === 'corrections' ? checkEdit(result as EditResult, call.expect, plane, expectedLabelled) : checkSegmentEdit(result as SegmentEditResult | null, call);
          if (problem) failures.push(`call ${entry.index} (${describe(call)}): ${problem}`);
          entry.status = 'ok';
          lastAcknowledged = Math.max(lastAcknowledged, entry.index);
        },
        (error: unknown) => {
          const code = error instanceof EngineError ? error.code : 'THROWN';
          if (code === 'DISCONNECTED') entry.status = 'unanswered';
          else {
            entry.status = 'ok';
            failures.push(`call ${entry.index} (${describe(call)}) failed: ${code} ${(error as Error).message}`);
          }
        },
      ).finally(() => answered?.());
    };

    const calls: Promise<void>[] = [];
    while (sent.length < killAfter) {
      while (inFlight().length >= maxInFlight) await new Promise<void>((resolve) => (answered = resolve));
      let call: PlannedCall;
      if (kind === 'corrections') call = planCorrection(random, shape, slices, model as EditModel<Uint8Array>);
      else call = planSegmentEdit(random, shape, model as EditModel<Uint32Array>, pendingChanges(inFlight()), options.arrivalSafe ?? true);
      calls.push(send(call));
      if (random() < 0.2) await sleep(randomInt(random, 0, 4));
    }
    // Mostly at once, while the last calls are still being written; sometimes a little later.
    if (random() < 0.3) await sleep(randomInt(random, 0, 20));
    await this.serve!.kill();
    this.serve = null;
    await first.closed;
    await Promise.all(calls);
    await options.afterKill?.(dir);
    const unanswered = sent.filter((s) => s.status === 'unanswered').length;

    // Restart, reopen, and read everything back.
    marks.push(performance.now());
    const second = await connectServe((await this.server()).url);
    const reopened = await second.engine.openProject({ dir });
    marks.push(performance.now());
    const recovered = await readState(second.engine, projectId, kind, shape);
    const flags = kind === 'corrections' ? reopened : (await second.engine.segmentation({ projectId }))!;
    // Walk back from the last sent call to the last acknowledged one: which states match?
    const candidates: number[] = [];
    for (let k = sent.length; k >= lastAcknowledged; k--) {
      const step = steps[k]!;
      if (firstDifference(model.voxels, recovered) === -1 && flags.canUndo === step.undo.length > 0 && flags.canRedo === step.redo.length > 0) {
        candidates.push(k);
      }
      if (k > lastAcknowledged) model.revert(step);
    }
    // model.voxels now holds the state after lastAcknowledged calls.
    let recoveredAfter: number | null = null;
    if (candidates.length === 0) {
      const at = firstDifference(model.voxels, recovered);
      failures.push(
        `the recovered ${kind} match no state after ${lastAcknowledged}–${sent.length} calls (vs. the state after ${lastAcknowledged}: ${at === -1 ? 'voxels equal, undo/redo differ' : `voxel ${at} is ${recovered[at]}, the model says ${model.voxels[at]}`})`,
      );
    } else {
      recoveredAfter = await checkHistory(second.engine, projectId, kind, plane, model, steps, candidates, sent.length, lastAcknowledged, failures);
    }
    marks.push(performance.now());
    await second.engine.closeProject({ projectId });
    second.close();
    if (failures.length === 0) await rm(dir, { recursive: true, force: true });
    return {
      kind,
      seed,
      sent: sent.length,
      acknowledged: sent.length - unanswered,
      inFlightAtKill: unanswered,
      maxInFlight,
      recoveredAfter,
      lastAcknowledged,
      failures,
      repaired: reopened.repaired !== undefined,
      seconds: (performance.now() - started) / 1000,
      phases: { open: span(marks, 0), edit: span(marks, 1), reopen: span(marks, 2), check: span(marks, 3) },
    };
  }
}

const span = (marks: number[], k: number): number => Math.round((marks[k + 1]! - marks[k]!) / 100) / 10;

function invoke(engine: EngineConnection, projectId: string, call: PlannedCall): Promise<unknown> {
  switch (call.method) {
    case 'paint':
      return engine.paint({ projectId, z: call.z, indices: call.indices, value: call.value, tool: 'brush' });
    case 'editSegments':
      return engine.editSegments({ projectId, operation: call.operation });
    default:
      return engine[call.method]({ projectId });
  }
}

function describe(call: PlannedCall): string {
  if (call.method === 'paint') return `paint z ${call.z}, ${call.indices.length} px, value ${call.value}`;
  if (call.method === 'editSegments') return `editSegments ${JSON.stringify(call.operation)}`;
  return call.method;
}

/** Keeps per-slice counts of labelled pixels in step with the model, for labelledSlices. */
function countLabels(step: ModelStep, labelled: Int32Array, plane: number): void {
  const change = step.change;
  if (!change) return;
  for (let k = 0; k < change.indices.length; k++) {
    const z = Math.floor(change.indices[k]! / plane);
    labelled[z]! += Number(change.values[k] !== 0) - Number(change.previous[k] !== 0);
  }
}

/** Ids the calls still in flight change, per the model. */
function pendingChanges(pending: Sent[]): InFlight {
  const out: InFlight = { ids: new Set() };
  for (const { call } of pending) {
    const change = call.expect.change;
    if (!change) continue;
    for (let k = 0; k < change.indices.length; k++) {
      out.ids.add(change.values[k]!);
      out.ids.add(change.previous[k]!);
    }
  }
  return out;
}

