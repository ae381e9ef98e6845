/**
 * An exact model of a project's undoable layers, for kill trials: a voxel array, an undo stack
 * and a redo stack, with the engine's semantics written out independently of the engine.
 * - An edit sets some voxels to new values; voxels already at their new value are left out, and
 *   an edit that changes nothing is no edit (nothing journaled, redo kept). A real edit clears redo.
 * - Undo restores the latest edit's before-values and moves it to redo; redo re-applies the latest
 *   undone edit. Either is a no-op (null) when its stack is empty.
 * The same model serves the corrections (uint8 labels, a voxel = z * plane + pixel) and the
 * neuron ids (uint32).
 */

export type Voxels = Uint8Array | Uint32Array;

/** One undoable edit: voxels, their values before and after. */
export interface ModelEdit {
  indices: Uint32Array;
  before: Voxels;
  after: Voxels;
}

/** What one call did to the voxels (null: nothing), with the stacks after it. */
export interface ModelStep {
  change: { indices: Uint32Array; values: Voxels; previous: Voxels } | null;
  undo: ModelEdit[];
  redo: ModelEdit[];
}

export class EditModel<T extends Voxels> {
  private readonly undoStack: ModelEdit[];
  private readonly redoStack: ModelEdit[];

  constructor(
    readonly voxels: T,
    undo: ModelEdit[] = [],
    redo: ModelEdit[] = [],
  ) {
    this.undoStack = [...undo];
    this.redoStack = [...redo];
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }
  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  /** Sets `indices` (in this order) to `after`; voxels already there are left out. */
  edit(indices: ArrayLike<number>, after: ArrayLike<number>): ModelStep {
    const keep: number[] = [];
    for (let k = 0; k < indices.length; k++) if (this.voxels[indices[k]!] !== after[k]) keep.push(k);
    if (keep.length === 0) return this.step(null);
    const changed = Uint32Array.from(keep, (k) => indices[k]!);
    const edit: ModelEdit = { indices: changed, before: this.pick(changed), after: this.make(keep.map((k) => after[k]!)) };
    this.set(changed, edit.after);
    this.undoStack.push(edit);
    this.redoStack.length = 0;
    return this.step({ indices: changed, values: edit.after, previous: edit.before });
  }

  undo(): ModelStep {
    const edit = this.undoStack.pop();
    if (!edit) return this.step(null);
    this.set(edit.indices, edit.before);
    this.redoStack.push(edit);
    return this.step({ indices: edit.indices, values: edit.before, previous: edit.after });
  }

  redo(): ModelStep {
    const edit = this.redoStack.pop();
    if (!edit) return this.step(null);
    this.set(edit.indices, edit.after);
    this.undoStack.push(edit);
    return this.step({ indices: edit.indices, values: edit.after, previous: edit.before });
  }

  /** A call that changed nothing (an error answered before the edit queue, say). */
  none(): ModelStep {
    return this.step(null);
  }

  /** Takes a step back out of the voxels (stacks are not touched: steps carry their own). */
  revert(step: ModelStep): void {
    if (step.change) this.set(step.change.indices, step.change.previous);
  }

  /** Plays a step forwards again after revert (stacks are not touched). */
  reapply(step: ModelStep): void {
    if (step.change) this.set(step.change.indices, step.change.values);
  }

  /** An independent copy with the given stacks, to play on from a recovered state. */
  fork(undo: ModelEdit[], redo: ModelEdit[]): EditModel<T> {
    return new EditModel(this.voxels.slice() as T, undo, redo);
  }

  private step(change: ModelStep['change']): ModelStep {
    return { change, undo: [...this.undoStack], redo: [...this.redoStack] };
  }

  private set(indices: Uint32Array, values: Voxels): void {
    for (let k = 0; k < indices.length; k++) this.voxels[indices[k]!] = values[k]!;
  }

  private pick(indices: Uint32Array): Voxels {
    return this.make(Array.from(indices, (i) => this.voxels[i]!));
  }

  private make(values: number[]): Voxels {
    return this.voxels instanceof Uint8Array ? Uint8Array.from(values) : Uint32Array.from(values);
  }
}

/** The first index where two arrays differ, or -1 (lengths compared first). */
export function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}
