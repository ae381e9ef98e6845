import type { ModelMeta } from '../model/modelFolder.js';
import type { ProviderInfo } from './executionProviders.js';
import { predictSlice, type PredictSliceOptions } from './predictSlice.js';
import type { TileRunner } from './TileRunner.js';

/**
 * A model ready to predict, reused between calls: one per process (the CLI) or per open project
 * (the app). Everything that predicts goes through one: predictVolume, block-wise prediction,
 * TTA, scoring in training. Made by openPredictor; the owner calls dispose().
 */
export interface Predictor {
  /** The model's metadata (tile size, architecture, normalisation). */
  readonly meta: ModelMeta;
  /** The model's folder, or a label for a model that was never saved. */
  readonly dir: string;
  readonly provider: ProviderInfo;
  /** Slices worth having in flight at once: more keeps every worker busy; memory grows with it. */
  readonly parallelism: number;
  /**
   * Membrane probability for one normalised slice (width × height, in [0, 1]), tiled with
   * mirror padding and blended without seams (SliceTiling). `input` must not change until the
   * promise settles. On abort it rejects with code CANCELLED.
   */
  predictSlice(input: Float32Array, width: number, height: number, options: PredictSliceOptions): Promise<Float32Array>;
  /** Frees the session, model or threads; pending calls reject. Safe to call more than once. */
  dispose(): Promise<void>;
}

/** A predictor that runs its tiles on this thread: the CLI's, and the fallback for one-off calls. */
export class LocalPredictor implements Predictor {
  readonly parallelism = 1;
  private disposed: Promise<void> | null = null;

  constructor(
    private readonly runner: TileRunner,
    readonly meta: ModelMeta,
    readonly dir: string,
    private readonly release: () => Promise<void> = () => Promise.resolve(),
  ) {}

  get provider(): ProviderInfo {
    return this.runner.provider;
  }

  predictSlice(input: Float32Array, width: number, height: number, options: PredictSliceOptions): Promise<Float32Array> {
    if (this.disposed) return Promise.reject(new Error('This predictor was disposed; open a new one.'));
    return predictSlice(this.runner, input, width, height, options);
  }

  dispose(): Promise<void> {
    this.disposed ??= this.runner.dispose().then(this.release);
    return this.disposed;
  }
}
