import type { EditResult, EngineClient, FineTuneVerdict, LabelChange, LabelValue, ModelVersionInfo, Progress, ProjectInfo, QualityMetrics, ReviewTile } from '../../../../protocol/contract.js';
import { formatSlices } from '../formatters.js';
import { NeuronSession } from '../neurons/NeuronSession.svelte.js';
import { OverlayStyleState } from './OverlayStyleState.svelte.js';
import { ToolState } from './ToolState.svelte.js';
import { uiLog } from '../uiLog.js';

/** A slice's overlay layers as the renderer holds them. `labels` includes strokes still being saved. */
export interface OverlayLayers {
  z: number;
  width: number;
  height: number;
  prediction: Uint8Array | null;
  labels: Uint8Array;
}

/** A long engine job on the project, as the panel shows it. */
export interface ProjectJob {
  kind: 'predict' | 'fineTune';
  label: string;
  progress: Progress | null;
  /** Fine-tuning: the loss after each step reported. */
  losses: number[];
}

export interface FineTuneSummary {
  version: ModelVersionInfo;
  /** The new version became active: it beat the active one on held-out corrections by more than the noise. */
  activated: boolean;
  verdict: FineTuneVerdict;
  bestStep: number;
  cancelled: boolean;
  steps: number;
  seconds: number;
}

/** Pixels painted but not yet journaled by the engine, with what they held before. */
interface PendingStroke {
  z: number;
  indices: Uint32Array;
  before: Uint8Array;
}

/** The engine calls a project needs (a session holds its neurons too). */
type ProjectEngine = EngineClient;

/** Overlay slices kept in memory around the current one. */
const CACHE_SLICES = 8;

/**
 * An open project in the UI: its info, the overlay layers of nearby slices, the tools, and the
 * long jobs (prediction, fine-tuning) with their progress. Edits are shown at once and marked
 * as saving until the engine has journaled them; a failed save puts the pixels back.
 */
export class ProjectSession {
  readonly tools = new ToolState();
  readonly style = new OverlayStyleState();
  readonly neurons: NeuronSession;
  readonly #engine: () => ProjectEngine;
  readonly #onError: (title: string, error: unknown) => void;
  #info = $state.raw<ProjectInfo>(undefined as unknown as ProjectInfo);
  // Overlay buffers are large and change in place; `revision` tells views to redraw.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #layers = new Map<number, OverlayLayers>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #loading = new Map<number, Promise<OverlayLayers | null>>();
  #revision = $state(0);
  /** Counts forgetPredictions, so a load asked for before one is not cached after it. */
  #generation = 0;
  /** Pixel changes since the view last drew ('all': redraw everything), so it can redraw only those. */
  #changes: LabelChange[] | 'all' = 'all';
  #pending = $state.raw<PendingStroke[]>([]);
  /** Edits made on a slice whose layers were still loading: they wait for them (see holdEdit). */
  #waiting = $state(0);
  #job = $state.raw<ProjectJob | null>(null);
  /** What the last job came to when it ended without a result to show (cancelled), for the panel. */
  #jobNotice = $state.raw<string | null>(null);
  #jobController: AbortController | null = null;
  #lastFineTune = $state.raw<FineTuneSummary | null>(null);
  #metrics = $state.raw<QualityMetrics | null>(null);
  #review = $state.raw<ReviewTile[]>([]);
  #reviewIndex = $state(-1);
  /** Serialises edits, so strokes, undo and redo reach the journal in the order they were made. */
  #edits: Promise<unknown> = Promise.resolve();

  constructor(info: ProjectInfo, engine: () => ProjectEngine, onError: (title: string, error: unknown) => void) {
    this.#info = info;
    this.#engine = engine;
    this.#onError = onError;
    this.neurons = new NeuronSession(info.id, info.volume, engine, onError);
    this.neurons.onPredicted = () => void this.#reload();
    void this.neurons.refresh();
  }

  get info(): ProjectInfo {
    return this.#info;
  }
  get revision(): number {
    return this.#revision;
  }
  /** The pixel changes since the last call ('all' when the whole overlay must be redrawn); clears them. */
  takeChanges(): LabelChange[] | 'all' {
    const changes = this.#changes;
    this.#changes = [];
    return changes;
  }
  /** True while an edit shown on screen, or one waiting for its slice, is not yet in the journal. */
  get saving(): boolean {
    return this.#pending.length > 0 || this.#waiting > 0;
  }
  /** Edits waiting for their slice's layers to load before they are applied. */
  get waiting(): number {
    return this.#waiting;
  }

  /** Counts an edit as waiting for its slice (shown as unsaved) until the returned release is called. */
  holdEdit(): () => void {
    this.#waiting++;
    let held = true;
    return () => {
      if (held) this.#waiting--;
      held = false;
    };
  }
  get job(): ProjectJob | null {
    return this.#job;
  }
  /** Why the last job ended early and what it left done ("Prediction cancelled: 5 of 16 slices are predicted."), or null. */
  get jobNotice(): string | null {
    return this.#jobNotice;
  }
  get lastFineTune(): FineTuneSummary | null {
    return this.#lastFineTune;
  }
  get metrics(): QualityMetrics | null {
    return this.#metrics;
  }
  get review(): readonly ReviewTile[] {
    return this.#review;
  }
  get reviewIndex(): number {
    return this.#reviewIndex;
  }
  get activeVersion(): ModelVersionInfo | undefined {
    return this.#info.models.find((m) => m.id === this.#info.activeModel);
  }

  /** The layers of slice z if loaded (read `revision` to redraw when they change). */
  layers(z: number): OverlayLayers | null {
    return this.#layers.get(z) ?? null;
  }

  /** Loads slice z's layers (once; concurrent calls share the request). */
  load(z: number): Promise<OverlayLayers | null> {
    const have = this.#layers.get(z);
    if (have) return Promise.resolve(have);
    let loading = this.#loading.get(z);
    if (!loading) {
      const generation = this.#generation;
      loading = this.#engine()
        .getOverlay({ projectId: this.#info.id, z })
        .then(
          (overlay): OverlayLayers | null | Promise<OverlayLayers | null> => {
            // Asked for before the predictions were forgotten (another model): ask again.
            if (generation !== this.#generation) {
              this.#loading.delete(z);
              return this.load(z);
            }
            // An unlabelled slice comes without labels: they are all zeros.
            const labels = overlay.labels.length === overlay.width * overlay.height ? overlay.labels : new Uint8Array(overlay.width * overlay.height);
            const layers: OverlayLayers = { ...overlay, labels };
            this.#layers.set(z, layers);
            this.#trim(z);
            this.#bump(null);
            return layers;
          },
          (error: unknown) => {
            this.#onError(`Could not load the overlay of slice ${z}`, error);
            return null;
          },
        )
        .finally(() => {
          if (this.#loading.get(z) === loading) this.#loading.delete(z);
        });
      this.#loading.set(z, loading);
    }
    return loading;
  }

  /**
   * Paints `value` on these pixels of slice z: shown at once, journaled by the engine in order;
   * if saving fails the pixels are put back and the error shown. `previous`, aligned with
   * `indices`, is what a previewed stroke's pixels held before it (see preview), so they can be put back.
   */
  paint(z: number, indices: Uint32Array, value: LabelValue, tool: string, previous?: Uint8Array): Promise<void> {
    const layers = this.#layers.get(z);
    if (!layers || indices.length === 0) return Promise.resolve();
    const before = previous ?? new Uint8Array(indices.length);
    let changed = false;
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k]!;
      if (!previous) before[k] = layers.labels[i]!;
      changed ||= layers.labels[i] !== value;
      layers.labels[i] = value;
    }
    const stroke: PendingStroke = { z, indices, before };
    this.#pending = [...this.#pending, stroke];
    // A previewed stroke is on screen already: nothing to draw again.
    if (changed) this.#bump({ z, indices, values: new Uint8Array(indices.length).fill(value) });
    return this.#edit(
      () => this.#engine().paint({ projectId: this.#info.id, z, indices, value, tool }),
      stroke,
      'Could not save the edit',
    );
  }

  /** Shows pixels as painted while a stroke is in progress; commit them with paint(), or take them back with revert(). */
  preview(z: number, indices: Uint32Array, value: LabelValue): void {
    const layers = this.#layers.get(z);
    if (!layers || indices.length === 0) return;
    for (let k = 0; k < indices.length; k++) layers.labels[indices[k]!] = value;
    this.#bump({ z, indices, values: new Uint8Array(indices.length).fill(value) });
  }

  /** Puts back what these pixels held (`before`, aligned with `indices`): a cancelled stroke. */
  revert(z: number, indices: Uint32Array, before: Uint8Array): void {
    this.#apply({ z, indices, values: before });
  }

  undo(): Promise<void> {
    return this.#edit(() => this.#engine().undo({ projectId: this.#info.id }), null, 'Could not undo');
  }

  redo(): Promise<void> {
    return this.#edit(() => this.#engine().redo({ projectId: this.#info.id }), null, 'Could not redo');
  }

  async setValidation(z: number, on: boolean): Promise<void> {
    try {
      this.#info = await this.#engine().setValidation({ projectId: this.#info.id, z, on });
      void this.evaluate();
    } catch (error) {
      this.#onError('Could not change the validation slices', error);
    }
  }

  /** Predict with test-time augmentation (8 flips/rotations averaged): better, 8× slower. */
  tta = $state(false);

  /** Predicts slices first..last with the active model; progress in `job`; cancel with cancelJob(). */
  predict(first: number, last: number): Promise<void> {
    const label = first === last ? `Predicting slice ${first}` : `Predicting slices ${first}–${last}`;
    const tta = this.tta;
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const done = new Set<number>();
    const cancelled = (): string =>
      done.size === 0
        ? 'Prediction cancelled before a slice was done.'
        : `Prediction cancelled: ${done.size} of ${last - first + 1} ${last === first ? 'slice' : 'slices'} done and kept (${formatSlices([...done])}).`;
    return this.#run('predict', label, async (options) => {
      // Each slice shows as soon as the engine has stored it, not after the whole range.
      const stop = this.#engine().on('predicted', ({ projectId, model, z }) => {
        if (projectId !== this.#info.id) return;
        void this.#showPrediction(z);
        done.add(z);
        // The panel's count follows the progress, not only the end of the run.
        if (model === this.#info.activeModel && !this.#info.predicted.includes(z)) this.#info = { ...this.#info, predicted: [...this.#info.predicted, z].sort((a, b) => a - b) };
      });
      try {
        this.#info = await this.#engine().predict({ projectId: this.#info.id, first, last, tta }, options);
      } finally {
        stop();
      }
      this.#forgetPredictions();
      // A held-out slice with corrections now predicted: its scores show before any training.
      await this.evaluate();
      await this.refreshReview();
    }, cancelled);
  }

  /**
   * Fine-tunes the active model on the corrections. The new version is always kept; it becomes
   * active (and is re-predicted) only when the engine's verdict says it is better.
   */
  fineTune(steps: number): Promise<void> {
    return this.#run('fineTune', `Fine-tuning ${this.#info.activeModel} for ${steps} steps`, async (options) => {
      const result = await this.#engine().fineTune({ projectId: this.#info.id, steps }, options);
      this.#info = result.project;
      this.#lastFineTune = { version: result.version, activated: result.activated, verdict: result.verdict, bestStep: result.bestStep, cancelled: result.cancelled, steps: result.steps, seconds: result.seconds };
      if (result.activated) this.#forgetPredictions();
      await this.evaluate();
      await this.refreshReview();
    });
  }

  cancelJob(): void {
    this.#jobController?.abort();
  }

  async setActiveModel(version: string): Promise<void> {
    try {
      this.#info = await this.#engine().setActiveModel({ projectId: this.#info.id, version });
      this.#forgetPredictions();
      await this.evaluate();
      await this.refreshReview();
    } catch (error) {
      this.#onError(`Could not switch to model ${version}`, error);
    }
  }

  async exportModel(version: string, dir: string): Promise<boolean> {
    try {
      await this.#engine().exportModel({ projectId: this.#info.id, version, dir });
      return true;
    } catch (error) {
      this.#onError(`Could not export model ${version}`, error);
      return false;
    }
  }

  async importModel(dir: string): Promise<boolean> {
    try {
      this.#info = await this.#engine().importModel({ projectId: this.#info.id, dir });
      return true;
    } catch (error) {
      this.#onError('Could not import the model', error);
      return false;
    }
  }

  #evaluateTimer: ReturnType<typeof setTimeout> | null = null;

  /** Scores again shortly after edits on a held-out slice settle (one call for a burst of strokes). */
  #evaluateSoon(): void {
    if (this.#evaluateTimer) clearTimeout(this.#evaluateTimer);
    this.#evaluateTimer = setTimeout(() => {
      this.#evaluateTimer = null;
      void this.evaluate();
    }, 400);
  }

  /** Scores the active model's predictions on the validation slices' corrections. */
  async evaluate(): Promise<void> {
    try {
      this.#metrics = await this.#engine().evaluate({ projectId: this.#info.id });
    } catch (error) {
      this.#onError('Could not score the model', error);
    }
  }

  async refreshReview(): Promise<void> {
    try {
      this.#review = await this.#engine().reviewQueue({ projectId: this.#info.id, limit: 50 });
      this.#reviewIndex = -1;
    } catch (error) {
      this.#onError('Could not rank the places to check', error);
    }
  }

  /** Makes the place of this rank (0 = least certain) the current one; null when there is none. */
  selectReview(index: number): ReviewTile | null {
    const tile = this.#review[index];
    if (!tile) return null;
    this.#reviewIndex = index;
    return tile;
  }

  /** The place to check the user went to last (the viewer outlines it), or null. */
  get currentReview(): ReviewTile | null {
    return this.#review[this.#reviewIndex] ?? null;
  }

  close(): void {
    this.#jobController?.abort();
    // Nothing waits on the close (the window moves on); a failure is kept for diagnostics.
    this.#engine()
      .closeProject({ projectId: this.#info.id })
      .catch((error: unknown) => uiLog.warn(`Could not close the project ${this.#info.dir}: ${(error as Error).message}`));
  }

  /** Fetches the project's info again and forgets cached predictions (after the engine predicted on its own). */
  async #reload(): Promise<void> {
    try {
      this.#info = await this.#engine().projectInfo({ projectId: this.#info.id });
      this.#forgetPredictions();
    } catch (error) {
      this.#onError('Could not refresh the project', error);
    }
  }

  #bump(change: LabelChange | null): void {
    if (change === null || this.#changes === 'all') this.#changes = 'all';
    else this.#changes.push(change);
    this.#revision++;
  }

  /** Slice z's new prediction, fetched and shown in its cached layers; its labels (with edits in flight) stay as they are. */
  async #showPrediction(z: number): Promise<void> {
    await this.#loading.get(z);
    const generation = this.#generation;
    if (!this.#layers.has(z)) return; // not cached: fetched afresh when shown
    try {
      const { prediction } = await this.#engine().getOverlay({ projectId: this.#info.id, z });
      const layers = this.#layers.get(z);
      if (!layers || generation !== this.#generation) return;
      this.#layers.set(z, { ...layers, prediction });
      this.#bump(null);
    } catch (error) {
      this.#onError(`Could not load the prediction of slice ${z}`, error);
    }
  }

  #forgetPredictions(): void {
    this.#generation++;
    this.#layers.clear();
    this.#bump(null);
  }

  /** Keeps the cache to the slices nearest the one just loaded. */
  #trim(z: number): void {
    if (this.#layers.size <= CACHE_SLICES) return;
    const far = [...this.#layers.keys()].sort((a, b) => Math.abs(b - z) - Math.abs(a - z));
    for (const key of far.slice(0, this.#layers.size - CACHE_SLICES)) {
      if (!this.#pending.some((p) => p.z === key)) this.#layers.delete(key);
    }
  }

  #edit(call: () => Promise<EditResult>, stroke: PendingStroke | null, title: string): Promise<void> {
    const started = performance.now();
    const next = this.#edits.then(async () => {
      try {
        const result = await call();
        // From the stroke's release to the engine's word that it is in the journal.
        if (stroke) performance.measure('membrana-save', { start: started, end: performance.now() });
        if (result.change) this.#apply(result.change);
        this.#info = { ...this.#info, canUndo: result.canUndo, canRedo: result.canRedo, labelledSlices: result.labelledSlices };
        if (result.change && this.#info.validationSlices.includes(result.change.z)) this.#evaluateSoon();
      } catch (error) {
        if (stroke) this.#putBack(stroke);
        this.#onError(title, error);
      } finally {
        if (stroke) this.#pending = this.#pending.filter((p) => p !== stroke);
      }
    });
    this.#edits = next;
    return next;
  }

  #putBack(stroke: PendingStroke): void {
    this.#apply({ z: stroke.z, indices: stroke.indices, values: stroke.before });
  }

  /** Sets these pixels; redraws only if one differs (the engine echoing a stroke already shown redraws nothing). */
  #apply(change: LabelChange): void {
    const layers = this.#layers.get(change.z);
    if (!layers) return;
    let changed = false;
    for (let k = 0; k < change.indices.length; k++) {
      const i = change.indices[k]!;
      if (layers.labels[i] === change.values[k]) continue;
      layers.labels[i] = change.values[k]!;
      changed = true;
    }
    if (changed) this.#bump(change);
  }

  /** Runs a long job with progress; `cancelled` says what a cancelled run leaves (shown as jobNotice). */
  async #run(kind: ProjectJob['kind'], label: string, body: (options: { signal: AbortSignal; onProgress: (p: Progress) => void }) => Promise<void>, cancelled?: () => string): Promise<void> {
    if (this.#job) {
      this.#onError(`Could not start: ${label}`, new Error(`${this.#job.label} is still running; wait for it or cancel it.`));
      return;
    }
    const controller = new AbortController();
    this.#jobController = controller;
    this.#job = { kind, label, progress: null, losses: [] };
    this.#jobNotice = null;
    try {
      await body({
        signal: controller.signal,
        onProgress: (progress) => {
          const job = this.#job;
          if (!job) return;
          this.#job = { ...job, progress, losses: progress.training ? [...job.losses, progress.training.loss] : job.losses };
        },
      });
    } catch (error) {
      if ((error as { code?: string }).code !== 'CANCELLED') this.#onError(`${label} failed`, error);
      else this.#jobNotice = cancelled?.() ?? `${label}: cancelled.`;
    } finally {
      this.#job = null;
      this.#jobController = null;
    }
  }
}
