import type { SegmentToolState } from './SegmentGesture.js';
import type { CallOptions, EngineClient, MeshFormat, NeuronMesh, Progress, SegmentationInfo, SegmentEditResult, SegmentInfo, SegmentOperation, VoxelSize } from '../../../../protocol/contract.js';

type NeuronEngine = Pick<
  EngineClient,
  'segment' | 'importSegmentation' | 'segmentation' | 'getSegmentSlice' | 'editSegments' | 'undoSegments' | 'redoSegments' | 'listSegments' | 'setSegmentNote' | 'getMeshes' | 'exportMeshes' | 'setVoxelSize'
>;

/** Segment slices kept in memory around the current one. */
const CACHE_SLICES = 8;

export type SegmentSortKey = 'id' | 'voxels' | 'slices' | 'firstSlice';

/**
 * A project's neurons in the UI: the segmentation, nearby slices of ids, the segment list,
 * the selection, and the meshes of selected neurons for the 3D view. Edits go to the engine's
 * journal first; their changed voxels are then applied to the cached slices.
 */
export class NeuronSession {
  readonly #engine: () => NeuronEngine;
  readonly #projectId: string;
  readonly #onError: (title: string, error: unknown) => void;
  #info = $state.raw<SegmentationInfo | null>(null);
  // Large buffers changed in place; `revision` tells views to redraw.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #slices = new Map<number, Uint32Array>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #loading = new Map<number, Promise<void>>();
  #revision = $state(0);
  #list = $state.raw<SegmentInfo[]>([]);
  #selection = $state.raw<number[]>([]);
  #hidden = $state.raw<number[]>([]);
  #meshes = $state.raw<NeuronMesh[]>([]);
  #job = $state.raw<{ label: string; progress: Progress | null } | null>(null);
  #jobController: AbortController | null = null;
  #show = $state(true);
  /** Meshes are built only while the 3D view is open (big neurons take the engine seconds). */
  #meshesWanted = false;
  #outline = $state(false);
  #opacity = $state(0.45);
  #sort = $state<{ key: SegmentSortKey; descending: boolean }>({ key: 'voxels', descending: true });
  readonly width: number;
  readonly height: number;
  readonly depth: number;
  /** The merge in progress and the seeds placed (shown in the view and the panel). */
  readonly tools: SegmentToolState = $state({ mergeFirst: null, seeds: [], seedSegment: null });

  /** Called after a segmentation run, which predicts the slices that were not yet predicted. */
  onPredicted: (() => void) | null = null;

  constructor(projectId: string, size: { width: number; height: number; depth: number }, engine: () => NeuronEngine, onError: (title: string, error: unknown) => void) {
    this.#projectId = projectId;
    this.#engine = engine;
    this.#onError = onError;
    this.width = size.width;
    this.height = size.height;
    this.depth = size.depth;
  }

  get info(): SegmentationInfo | null {
    return this.#info;
  }
  get revision(): number {
    return this.#revision;
  }
  get selection(): readonly number[] {
    return this.#selection;
  }
  get hidden(): readonly number[] {
    return this.#hidden;
  }
  get meshes(): readonly NeuronMesh[] {
    return this.#meshes;
  }
  get job(): { label: string; progress: Progress | null } | null {
    return this.#job;
  }
  get show(): boolean {
    return this.#show;
  }
  get outline(): boolean {
    return this.#outline;
  }
  get opacity(): number {
    return this.#opacity;
  }
  get sort(): { key: SegmentSortKey; descending: boolean } {
    return this.#sort;
  }
  /** The segment list, sorted as chosen. */
  readonly list: SegmentInfo[] = $derived.by(() => {
    const { key, descending } = this.#sort;
    const sign = descending ? -1 : 1;
    return [...this.#list].sort((a, b) => sign * (a[key] - b[key]) || a.id - b.id);
  });

  segmentInfo(id: number): SegmentInfo | undefined {
    return this.#list.find((s) => s.id === id);
  }

  /** The segment id at an image point of slice z (null when not loaded or outside). */
  idAt(z: number, point: { x: number; y: number }): number | null {
    const ids = this.#slices.get(z);
    const x = Math.floor(point.x);
    const y = Math.floor(point.y);
    if (!ids || x < 0 || y < 0 || x >= this.width || y >= this.height) return null;
    return ids[y * this.width + x]!;
  }

  /** Ids of slice z if loaded (read `revision` to follow changes). */
  slice(z: number): Uint32Array | null {
    return this.#slices.get(z) ?? null;
  }

  async refresh(): Promise<void> {
    try {
      this.#info = await this.#engine().segmentation({ projectId: this.#projectId });
      this.#list = this.#info ? await this.#engine().listSegments({ projectId: this.#projectId }) : [];
    } catch (error) {
      this.#onError('Could not read the segmentation', error);
    }
  }

  load(z: number): Promise<void> {
    if (!this.#info || this.#slices.has(z)) return Promise.resolve();
    let loading = this.#loading.get(z);
    if (!loading) {
      loading = this.#engine()
        .getSegmentSlice({ projectId: this.#projectId, z })
        .then(
          (slice) => {
            if (!slice) return;
            this.#slices.set(z, slice.ids);
            for (const key of [...this.#slices.keys()].sort((a, b) => Math.abs(b - z) - Math.abs(a - z)).slice(0, Math.max(0, this.#slices.size - CACHE_SLICES))) this.#slices.delete(key);
            this.#revision++;
          },
          (error: unknown) => this.#onError(`Could not load the segments of slice ${z}`, error),
        )
        .finally(() => this.#loading.delete(z));
      this.#loading.set(z, loading);
    }
    return loading;
  }

  /** Segments the whole stack (predicting what is missing first), with progress and Cancel. */
  segment(linkThreshold?: number): Promise<void> {
    return this.#replace('Segmenting into neurons', 'Segmentation failed', (options) =>
      this.#engine().segment({ projectId: this.#projectId, ...(linkThreshold !== undefined ? { linkThreshold } : {}) }, options),
    );
  }

  /** Makes a segmentation made elsewhere (a label OME-Zarr folder on the engine's machine) the neurons to proofread. */
  importSegmentation(path: string): Promise<void> {
    return this.#replace(`Importing ${path}`, 'Could not import the segmentation', (options) => this.#engine().importSegmentation({ projectId: this.#projectId, path }, options));
  }

  /** Runs a job that replaces the segmentation, then starts the views afresh. */
  async #replace(label: string, failure: string, call: (options: CallOptions) => Promise<SegmentationInfo>): Promise<void> {
    if (this.#job) return;
    const controller = new AbortController();
    this.#jobController = controller;
    this.#job = { label, progress: null };
    try {
      this.#info = await call({ signal: controller.signal, onProgress: (progress) => (this.#job = { label, progress }) });
      this.#slices.clear();
      this.#selection = [];
      this.#meshes = [];
      this.#revision++;
      this.onPredicted?.();
      this.#list = await this.#engine().listSegments({ projectId: this.#projectId });
    } catch (error) {
      if ((error as { code?: string }).code !== 'CANCELLED') this.#onError(failure, error);
    } finally {
      this.#job = null;
      this.#jobController = null;
    }
  }

  cancelJob(): void {
    this.#jobController?.abort();
  }

  /** Applies an edit; false when the engine refused it (the error, with its hint, went to onError). */
  edit(operation: SegmentOperation): Promise<boolean> {
    return this.#apply(() => this.#engine().editSegments({ projectId: this.#projectId, operation }), `Could not ${operation.kind === 'splitLine' || operation.kind === 'splitSeeds' ? 'split' : operation.kind} the segment`);
  }

  undo(): Promise<boolean> {
    return this.#apply(() => this.#engine().undoSegments({ projectId: this.#projectId }), 'Could not undo');
  }

  redo(): Promise<boolean> {
    return this.#apply(() => this.#engine().redoSegments({ projectId: this.#projectId }), 'Could not redo');
  }

  /** Selects a segment (additive with `add`), or clears the selection with id 0. */
  select(id: number, add = false): void {
    if (id === 0) this.#selection = add ? this.#selection : [];
    else if (add) this.#selection = this.#selection.includes(id) ? this.#selection.filter((s) => s !== id) : [...this.#selection, id];
    else this.#selection = [id];
    void this.#loadMeshes();
  }

  /** Splits the seeded segment between the seeds placed (3D, along the membranes inside the segment). */
  async splitAtSeeds(): Promise<void> {
    const { seeds, seedSegment } = this.tools;
    if (seedSegment === null || seeds.length < 2) {
      this.#onError('Nothing to split', new Error('Place two or more seeds inside one segment with the seed tool (J) first.'));
      return;
    }
    // A refused split (slices not predicted, a seed off the segment) keeps the seeds to fix and retry.
    if (!(await this.edit({ kind: 'splitSeeds', id: seedSegment, seeds: seeds.map((p) => ({ ...p })) }))) return;
    this.tools.seeds = [];
    this.tools.seedSegment = null;
  }

  /** Deletes the selected segments (their voxels become boundary). */
  async deleteSelected(): Promise<void> {
    for (const id of [...this.#selection]) await this.edit({ kind: 'delete', id });
  }

  toggleHidden(id: number): void {
    this.#hidden = this.#hidden.includes(id) ? this.#hidden.filter((h) => h !== id) : [...this.#hidden, id];
  }

  /** The 3D view opened (true) or closed: build the selection's meshes, or stop asking for them. */
  setMeshesWanted(wanted: boolean): void {
    if (wanted === this.#meshesWanted) return;
    this.#meshesWanted = wanted;
    void this.#loadMeshes();
  }

  toggleShow(): void {
    this.#show = !this.#show;
  }
  toggleOutline(): void {
    this.#outline = !this.#outline;
  }
  setOpacity(value: number): void {
    this.#opacity = Math.min(1, Math.max(0, value));
  }
  sortBy(key: SegmentSortKey): void {
    this.#sort = this.#sort.key === key ? { key, descending: !this.#sort.descending } : { key, descending: key !== 'id' && key !== 'firstSlice' };
  }

  async setNote(id: number, note: string, tags: string[]): Promise<void> {
    try {
      await this.#engine().setSegmentNote({ projectId: this.#projectId, id, note, tags });
      this.#list = this.#list.map((s) => (s.id === id ? { ...s, note, tags } : s));
    } catch (error) {
      this.#onError(`Could not save the note of segment ${id}`, error);
    }
  }

  async setVoxelSize(voxelSize: VoxelSize): Promise<boolean> {
    try {
      await this.#engine().setVoxelSize({ projectId: this.#projectId, voxelSize });
      this.#list = this.#info ? await this.#engine().listSegments({ projectId: this.#projectId }) : [];
      return true;
    } catch (error) {
      this.#onError('Could not set the voxel size', error);
      return false;
    }
  }

  async exportMeshes(dir: string, format: MeshFormat, units: 'nm' | 'um', scene: boolean, onlySelected: boolean): Promise<string[] | null> {
    try {
      const { files } = await this.#engine().exportMeshes({ projectId: this.#projectId, ids: onlySelected ? [...this.#selection] : [], dir, format, units, scene });
      return files;
    } catch (error) {
      this.#onError('Could not export the meshes', error);
      return null;
    }
  }

  async #loadMeshes(): Promise<void> {
    const ids = [...this.#selection];
    if (ids.length === 0 || !this.#meshesWanted) {
      this.#meshes = [];
      return;
    }
    try {
      const meshes = await this.#engine().getMeshes({ projectId: this.#projectId, ids });
      // Only if the selection is still the one asked for.
      if (ids.every((id) => this.#selection.includes(id))) this.#meshes = meshes;
    } catch (error) {
      this.#onError('Could not build the neuron meshes', error);
    }
  }

  async #apply(call: () => Promise<SegmentEditResult | null>, title: string): Promise<boolean> {
    try {
      const result = await call();
      if (!result) return true;
      const plane = this.width * this.height;
      for (let k = 0; k < result.indices.length; k++) {
        const i = result.indices[k]!;
        const slice = this.#slices.get(Math.floor(i / plane));
        if (slice) slice[i % plane] = result.ids[k]!;
      }
      this.#info = result.segmentation;
      this.#revision++;
      this.#list = await this.#engine().listSegments({ projectId: this.#projectId });
      // A lookup inside this method, not state.
      // eslint-disable-next-line svelte/prefer-svelte-reactivity
      const alive = new Set(this.#list.map((s) => s.id));
      this.#selection = this.#selection.filter((id) => alive.has(id));
      if (result.touched.some((id) => this.#selection.includes(id)) || this.#meshes.some((m) => !alive.has(m.id))) void this.#loadMeshes();
      return true;
    } catch (error) {
      this.#onError(title, error);
      return false;
    }
  }
}
