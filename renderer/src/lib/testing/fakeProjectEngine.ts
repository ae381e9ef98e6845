import type { EditResult, EngineClient, LabelValue, OverlaySlice, ProjectInfo, SegmentOperation, SegmentSlice } from '../../../../protocol/contract.js';
import { EngineError } from '../../../../protocol/RpcClient.js';
import { testVolume } from './fakeEngine.js';

/** A paint call as the fake engine journaled it: only pixels whose label changed, as the real one does. */
export interface JournaledEdit {
  z: number;
  tool: string;
  indices: Uint32Array;
  value: LabelValue;
}

/** A slice request the test answers when it chooses (to hold a slice "loading"). */
interface Held<T> {
  z: number;
  resolve(): void;
  reject(error: Error): void;
  promise: Promise<T>;
}

/**
 * The project calls of the engine, in memory, for renderer tests: per-slice labels and a
 * prediction, a journal of paints, and overlay and segment loads that can be held back until the
 * test releases them (`holdLoads`), as a slow engine would.
 */
export class FakeProjectEngine {
  readonly width: number;
  readonly height: number;
  readonly depth: number;
  readonly journal: JournaledEdit[] = [];
  readonly segmentEdits: SegmentOperation[] = [];
  readonly labels = new Map<number, Uint8Array>();
  /** Membrane probability per slice (null: not predicted). */
  prediction: (z: number) => Uint8Array | null = () => null;
  /** Segment ids per slice, once segmented. */
  segments: ((z: number) => Uint32Array) | null = null;
  segmentationCreated = '2026-01-01T00:00:00Z';
  holdLoads = false;
  readonly held: Held<unknown>[] = [];
  readonly failing = new Set<number>();
  info: ProjectInfo;
  readonly #listeners = new Map<string, Set<(payload: never) => void>>();
  /** predict: how many slices of the range it predicts before it waits to be cancelled (all: it finishes). */
  predictBeforeWaiting = Infinity;

  constructor(width: number, height: number, depth: number) {
    this.width = width;
    this.height = height;
    this.depth = depth;
    const volume = testVolume({ width, height, depth });
    this.info = { id: 'p1', dir: '/tmp/p1', name: 'test', volume, activeModel: 'v1', models: [], predicted: [], labelledSlices: [], validationSlices: [], canUndo: false, canRedo: false };
  }

  /** Answers held loads of slice z (all held loads when z is omitted). */
  release(z?: number): Promise<void> {
    const now = this.held.filter((h) => z === undefined || h.z === z);
    for (const h of now) {
      this.held.splice(this.held.indexOf(h), 1);
      h.resolve();
    }
    return settle();
  }

  #client: EngineClient | null = null;

  /** The engine's calls (one object, so a test can replace one of them). */
  get client(): EngineClient {
    if (this.#client) return this.#client;
    const pixels = this.width * this.height;
    const engine = {
      getOverlay: ({ z }: { z: number }) =>
        this.#maybeHold(z, (): OverlaySlice => {
          if (this.failing.has(z)) throw new EngineError({ code: 'READ_FAILED', message: `Slice ${z} cannot be read.` });
          return { z, width: this.width, height: this.height, prediction: this.prediction(z), labels: this.labels.get(z)?.slice() ?? new Uint8Array(0) };
        }),
      paint: async ({ z, indices, value, tool }: { z: number; indices: Uint32Array; value: LabelValue; tool: string }): Promise<EditResult> => {
        const labels = this.labels.get(z) ?? new Uint8Array(pixels);
        this.labels.set(z, labels);
        const changed = [...indices].filter((i) => labels[i] !== value);
        for (const i of changed) labels[i] = value;
        if (changed.length > 0) this.journal.push({ z, tool, indices: Uint32Array.from(changed), value });
        const change = changed.length > 0 ? { z, indices: Uint32Array.from(changed), values: new Uint8Array(changed.length).fill(value) } : null;
        return { change, canUndo: this.journal.length > 0, canRedo: false, labelledSlices: [...this.labels.keys()] };
      },
      segmentation: async () => (this.segments ? { count: 2, created: this.segmentationCreated, model: 'v1', seconds: 1, canUndo: false, canRedo: false } : null),
      listSegments: async () => [],
      getSegmentSlice: ({ z }: { z: number }) => this.#maybeHold(z, (): SegmentSlice | null => (this.segments ? { z, width: this.width, height: this.height, ids: this.segments(z) } : null)),
      editSegments: async ({ operation }: { operation: SegmentOperation }) => {
        this.segmentEdits.push(operation);
        return null;
      },
      on: (event: string, listener: (payload: never) => void) => {
        const set = this.#listeners.get(event) ?? new Set();
        this.#listeners.set(event, set.add(listener));
        return () => set.delete(listener);
      },
      predict: async ({ first, last }: { first: number; last: number }, options?: { signal?: AbortSignal }) => {
        for (let z = first; z <= last; z++) {
          if (z - first >= this.predictBeforeWaiting) {
            await new Promise<void>((resolve) => options?.signal?.addEventListener('abort', () => resolve(), { once: true }));
            throw new EngineError({ code: 'CANCELLED', message: 'predict was cancelled.' });
          }
          this.info = { ...this.info, predicted: [...new Set([...this.info.predicted, z])].sort((a, b) => a - b) };
          for (const listener of this.#listeners.get('predicted') ?? []) (listener as (p: { projectId: string; model: string; z: number }) => void)({ projectId: this.info.id, model: this.info.activeModel, z });
          await Promise.resolve();
        }
        return this.info;
      },
      setActiveModel: async ({ version }: { version: string }) => {
        this.info = { ...this.info, activeModel: version };
        return this.info;
      },
      evaluate: async () => null,
      reviewQueue: async () => [],
      closeProject: async () => null,
    };
    this.#client = engine as unknown as EngineClient;
    return this.#client;
  }

  #maybeHold<T>(z: number, answer: () => T): Promise<T> {
    if (!this.holdLoads) return Promise.resolve().then(answer);
    let resolve!: () => void;
    let reject!: (error: Error) => void;
    const gate = new Promise<void>((yes, no) => {
      resolve = yes;
      reject = no;
    });
    const promise = gate.then(answer);
    this.held.push({ z, resolve, reject, promise });
    return promise;
  }
}

/** Lets every pending promise callback run. */
export async function settle(): Promise<void> {
  for (let k = 0; k < 10; k++) await new Promise((resolve) => setTimeout(resolve, 0));
}
