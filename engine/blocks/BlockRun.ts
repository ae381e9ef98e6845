import type { Progress } from '../../protocol/contract.js';

/**
 * One run of a block-wise step: which of the wanted blocks its ledger already marks done
 * (skipped) and which are left (todo), the blocks this run finishes (done), and its progress over
 * them with an ETA from the pace so far. Shared by predicting, segmenting and meshing blocks.
 */
export class BlockRun {
  readonly skipped: number[];
  readonly todo: number[];
  readonly done: number[] = [];
  readonly #started = performance.now();
  readonly #stage: string;
  readonly #onProgress: ((progress: Progress) => void) | undefined;

  private constructor(stage: string, finished: Set<number>, wanted: readonly number[], onProgress?: (progress: Progress) => void) {
    this.#stage = stage;
    this.#onProgress = onProgress;
    this.skipped = wanted.filter((k) => finished.has(k));
    this.todo = wanted.filter((k) => !finished.has(k));
  }

  /** Reads the ledger, then reports that nothing of this run is done yet. */
  static async start(stage: string, ledger: { done(): Promise<Set<number>> }, wanted: readonly number[], onProgress?: (progress: Progress) => void): Promise<BlockRun> {
    const run = new BlockRun(stage, await ledger.done(), wanted, onProgress);
    run.report();
    return run;
  }

  /** Records block k as done (after its ledger mark) and reports. */
  finish(k: number): void {
    this.done.push(k);
    this.report();
  }

  /** Seconds since the run started. */
  get seconds(): number {
    return (performance.now() - this.#started) / 1000;
  }

  report(): void {
    const { done, todo } = this;
    this.#onProgress?.({
      stage: `${this.#stage}, ${done.length} of ${todo.length} done`,
      fraction: todo.length === 0 ? 1 : done.length / todo.length,
      ...(done.length > 0 ? { etaSeconds: (this.seconds / done.length) * (todo.length - done.length) } : {}),
    });
  }
}
