/**
 * The one contract between the UI and the engine. Every call and event is declared here once;
 * the Electron main process, the preload bridge, the serve-mode WebSocket host and the renderer's
 * client are all typed from these declarations. Nothing here depends on Node, Electron or the DOM.
 */

export type VoxelType = 'uint8' | 'uint16' | 'uint32' | 'float32';

/** Physical size of one voxel. `unit` is 'px' when the file does not say. */
export interface VoxelSize {
  x: number;
  y: number;
  z: number;
  unit: string;
}

/** Where a volume came from, how big it is and how to show it. */
export interface VolumeInfo {
  id: string;
  /** Short display name (file or folder name). */
  name: string;
  /** Full path on the engine's machine, or the dropped file's name. */
  source: string;
  /** What the file was: 'TIFF (LZW, 16-bit)', 'PNG folder', ... */
  format: string;
  width: number;
  height: number;
  depth: number;
  dtype: VoxelType;
  voxelSize: VoxelSize;
  /** Smallest and largest voxel value in the volume. */
  range: { min: number; max: number };
  /** Suggested display window (0.1st–99.9th percentile for 16-bit and float, full range for 8-bit). */
  window: { low: number; high: number };
  /**
   * Present for volumes read lazily from chunked storage (OME-Zarr): the scales, finest first,
   * and the edge of the square tiles getTile serves. Such volumes are viewed tile by tile.
   */
  levels?: VolumeLevel[];
  tileSize?: number;
  /** True for a label image (neuron ids, NGFF image-label): drawn in colours, not grey. */
  isLabels?: boolean;
  /** Names of the label images an OME-Zarr image holds under labels/ (openLabels opens one). */
  labels?: string[];
}

/** One scale of a multiscale volume. */
export interface VolumeLevel {
  width: number;
  height: number;
  depth: number;
  /** Finest-level voxels per voxel of this level, along x, y and z. */
  factor: { x: number; y: number; z: number };
}

/** A square piece of one slice of one scale (smaller at the right and bottom edges). */
export interface Tile {
  volumeId: string;
  level: number;
  /** The slice at this level's z. */
  z: number;
  tx: number;
  ty: number;
  width: number;
  height: number;
  dtype: VoxelType;
  data: ArrayBuffer;
}

/** One z-slice of raw voxel values, row-major. `data` travels as a binary buffer, never as JSON. */
export interface Slice {
  volumeId: string;
  z: number;
  width: number;
  height: number;
  dtype: VoxelType;
  data: ArrayBuffer;
}

/** A dropped or picked file, sent as bytes (serve mode cannot see the browser's file system). */
export interface FilePayload {
  /** File name, with the folder path relative to a dropped folder where there is one. */
  name: string;
  data: ArrayBuffer;
}

export interface EngineInfo {
  version: string;
  /** Which host runs the engine: 'electron' (utility process) or 'serve' (worker thread). */
  host: 'electron' | 'serve' | 'test';
  /** A path given on the command line, to open at startup instead of the sample. */
  startupPath: string | null;
}

/** The compute backend the engine chose for its network (see engine/model/selectBackend.ts). */
export interface BackendInfo {
  /** The prediction provider: 'cuda', 'dml', 'coreml', 'webgpu', 'cpu' (ONNX Runtime) or 'tfjs'. */
  choice: string;
  /** For people, e.g. 'ONNX Runtime CPU (2 threads)'. */
  description: string;
  /** Why faster backends were passed over, one line each. */
  skipped: string[];
}

/** Correction label values per pixel. */
export const LABEL = { unlabelled: 0, membrane: 1, cell: 2 } as const;
export type LabelValue = (typeof LABEL)[keyof typeof LABEL];

/**
 * Quality of a model on held-out corrected pixels (engine/metrics/heldOutScores.ts). Pixel-level
 * figures always; the ISBI 2012 segment scores only when every pixel of the scored slices is
 * labelled (on strokes they mean little), else null.
 */
export interface QualityMetrics {
  /** Share of held-out labelled pixels classified wrongly at threshold 0.5, membrane and cell weighed equally. */
  error: number;
  membrane_error: number | null;
  cell_error: number | null;
  membrane_f1: number | null;
  cell_f1: number | null;
  /** Mean binary cross-entropy per labelled pixel (nats). */
  cross_entropy: number;
  labelled_pixels: number;
  membrane_pixels: number;
  cell_pixels: number;
  /** 64² tiles with a labelled pixel (the samples behind a verdict's noise). */
  blocks: number;
  slices: number[];
  pixel_error: number | null;
  v_rand: number | null;
  v_info: number | null;
}

/** Whether a fine-tuned model beat the one it started from on held-out corrections by more than the noise, and why, in plain words. */
export interface FineTuneVerdict {
  better: boolean;
  /** Starting error − fine-tuned error (positive: fewer errors); null when nothing was held out. */
  improvement: number | null;
  /** Standard error of the improvement (bootstrap over held-out tiles). */
  noise: number | null;
  reason: string;
}

/** One model version of a project: every fine-tune makes one, with its parent and what it learnt from. */
export interface ModelVersionInfo {
  id: string;
  parent: string | null;
  created: string;
  note: string;
  data?: { trainSlices: number[]; validationSlices: number[]; labelledPixels: number };
  metrics?: { before?: QualityMetrics | null; after?: QualityMetrics | null; verdict?: FineTuneVerdict; heldOut?: string };
}

/** An open project: a folder with the image, the corrections journal, predictions and model versions. */
export interface ProjectInfo {
  id: string;
  dir: string;
  name: string;
  /** The project's image; its slices come from getSlice with volume.id. */
  volume: VolumeInfo;
  activeModel: string;
  models: ModelVersionInfo[];
  /** Slices with a stored prediction of the active model. */
  predicted: number[];
  /** Slices with corrections, and those of them held out for validation. */
  labelledSlices: number[];
  validationSlices: number[];
  canUndo: boolean;
  canRedo: boolean;
  /** Set when opening repaired the journal after a crash mid-write (what was dropped was never shown). */
  repaired?: string;
}

export interface RecentProject {
  dir: string;
  name: string;
  opened: string;
}

/** A slice's layers for the overlay: the active model's prediction (null until predicted) and the corrections. */
export interface OverlaySlice {
  z: number;
  width: number;
  height: number;
  /** Membrane probability 0–255 (255 = membrane), or null when this slice is not predicted. */
  prediction: Uint8Array | null;
  /**
   * Correction labels (LABEL values), width × height; empty (length 0) when the slice has none,
   * so browsing unlabelled slices of a big volume sends no zeros (the UI makes its own).
   */
  labels: Uint8Array;
}

/** Pixels whose correction label changed, for the UI to apply to its copy; with the new undo state. */
export interface LabelChange {
  z: number;
  indices: Uint32Array;
  values: Uint8Array;
}

export interface EditResult {
  change: LabelChange | null;
  canUndo: boolean;
  canRedo: boolean;
  labelledSlices: number[];
}

/** A stretch of the stack worth a look: where the model is least sure. */
export interface ReviewTile {
  z: number;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Mean binary entropy of the membrane probability over the tile (0–1). */
  score: number;
}

export interface FineTuneResult {
  version: ModelVersionInfo;
  project: ProjectInfo;
  /** The new version became the active one (it beat the active one by more than the noise: `verdict`). */
  activated: boolean;
  verdict: FineTuneVerdict;
  /** The step whose weights the version holds (the best judged). */
  bestStep: number;
  cancelled: boolean;
  steps: number;
  seconds: number;
  losses: number[];
}

/** A neuron (3D segment) as the segment list shows it. */
export interface SegmentInfo {
  id: number;
  voxels: number;
  /** Physical volume, µm³ (from the voxel size). */
  volumeUm3: number;
  /** Slices it appears in, and the first and last. */
  slices: number;
  firstSlice: number;
  lastSlice: number;
  /** Where to look: the centre of its bounding box in its first slice. */
  centre: { x: number; y: number };
  note: string;
  tags: string[];
}

/** The segmentation of a project: none yet, or its run and undo state. */
export interface SegmentationInfo {
  count: number;
  created: string;
  model: string;
  seconds: number;
  canUndo: boolean;
  canRedo: boolean;
}

/** One slice of neuron ids (0 = boundary). */
export interface SegmentSlice {
  z: number;
  width: number;
  height: number;
  ids: Uint32Array;
}

/** A proofreading operation on the segments. */
export type SegmentOperation =
  | { kind: 'merge'; keep: number; remove: number }
  | { kind: 'splitLine'; z: number; line: { x: number; y: number }[] }
  | { kind: 'splitSeeds'; id: number; seeds: { x: number; y: number; z: number }[] }
  | { kind: 'delete'; id: number }
  | { kind: 'relabel'; id: number };

/** What a segment edit changed: voxel indices (into the volume) and their new ids, plus the new state. */
export interface SegmentEditResult {
  indices: Uint32Array;
  ids: Uint32Array;
  /** Ids whose voxels changed (meshes to rebuild). */
  touched: number[];
  segmentation: SegmentationInfo;
}

/** A neuron's surface, positions in nanometres. */
export interface NeuronMesh {
  id: number;
  positions: Float32Array;
  indices: Uint32Array;
}

export type MeshFormat = 'obj' | 'stl' | 'ply' | 'glb' | 'precomputed';

/**
 * Every call: its argument and its result. Arguments and results may contain ArrayBuffers and
 * typed arrays, which are transferred as binary.
 */
export interface EngineCalls {
  hello: { args: Record<string, never>; result: EngineInfo };
  openSample: { args: Record<string, never>; result: VolumeInfo };
  openPath: { args: { path: string }; result: VolumeInfo };
  openFiles: { args: { files: FilePayload[] }; result: VolumeInfo };
  getSlice: { args: { volumeId: string; z: number }; result: Slice };
  /** A tile of a lazily read volume (see VolumeInfo.levels); only the chunks it covers are read. */
  getTile: { args: { volumeId: string; level: number; z: number; tx: number; ty: number }; result: Tile };
  closeVolume: { args: { volumeId: string }; result: null };
  /**
   * Opens a label image (uint32 neuron ids as OME-Zarr: a block-wise segmentation, or one of
   * VolumeInfo.labels by name) to show over an open volume of the same size; read tile by tile
   * like a lazy volume (getTile, closeVolume).
   */
  openLabels: { args: { volumeId: string; path: string }; result: VolumeInfo };
  /** Starts the compute backend if needed and says which it is. */
  backend: { args: Record<string, never>; result: BackendInfo };
  /** Makes a project folder from an open volume (copying the image and the shipped model) and opens it. */
  newProject: { args: { volumeId: string; dir: string; name?: string }; result: ProjectInfo };
  openProject: { args: { dir: string }; result: ProjectInfo };
  recentProjects: { args: Record<string, never>; result: RecentProject[] };
  closeProject: { args: { projectId: string }; result: null };
  getOverlay: { args: { projectId: string; z: number }; result: OverlaySlice };
  /** Predicts slices first..last (inclusive) with the active model and stores them; progress per slice. */
  predict: { args: { projectId: string; first: number; last: number; tta?: boolean }; result: ProjectInfo };
  /** Sets these pixels of slice z to a label; journaled (fsynced) before it resolves. */
  paint: { args: { projectId: string; z: number; indices: Uint32Array; value: LabelValue; tool: string }; result: EditResult };
  undo: { args: { projectId: string }; result: EditResult };
  redo: { args: { projectId: string }; result: EditResult };
  setValidation: { args: { projectId: string; z: number; on: boolean }; result: ProjectInfo };
  /** Fine-tunes the active model on the corrections (validation slices, or a share of corrected pixels, held out); makes a new version, active only when it is better by more than the noise. */
  fineTune: { args: { projectId: string; steps: number }; result: FineTuneResult };
  /** Scores the active model's stored predictions on the validation slices' corrections (null: nothing to score). */
  evaluate: { args: { projectId: string }; result: QualityMetrics | null };
  setActiveModel: { args: { projectId: string; version: string }; result: ProjectInfo };
  exportModel: { args: { projectId: string; version: string; dir: string }; result: null };
  importModel: { args: { projectId: string; dir: string; note?: string }; result: ProjectInfo };
  /** Tiles of the predicted slices ranked by the model's uncertainty, most uncertain first. */
  reviewQueue: { args: { projectId: string; limit: number }; result: ReviewTile[] };
  /** Sets the project's physical voxel size (nm), used for segment volumes, linking and meshes. */
  setVoxelSize: { args: { projectId: string; voxelSize: VoxelSize }; result: ProjectInfo };
  /** Segments the stack into neurons (predicting unpredicted slices first); replaces the segmentation and its edits. */
  /**
   * Makes a segmentation made elsewhere (a uint label OME-Zarr of the project's size, such as
   * `membrana segment` writes) the project's neurons, to proofread; the one it replaces is archived.
   */
  importSegmentation: { args: { projectId: string; path: string }; result: SegmentationInfo };
  segment: { args: { projectId: string; linkThreshold?: number }; result: SegmentationInfo };
  segmentation: { args: { projectId: string }; result: SegmentationInfo | null };
  getSegmentSlice: { args: { projectId: string; z: number }; result: SegmentSlice | null };
  editSegments: { args: { projectId: string; operation: SegmentOperation }; result: SegmentEditResult | null };
  undoSegments: { args: { projectId: string }; result: SegmentEditResult | null };
  redoSegments: { args: { projectId: string }; result: SegmentEditResult | null };
  listSegments: { args: { projectId: string }; result: SegmentInfo[] };
  setSegmentNote: { args: { projectId: string; id: number; note: string; tags: string[] }; result: null };
  /** Surfaces of these neurons (built in the engine, cached until they change), decimated for display. */
  getMeshes: { args: { projectId: string; ids: number[] }; result: NeuronMesh[] };
  /** Writes meshes of these neurons (all when ids is empty) to dir; returns the files written. */
  exportMeshes: { args: { projectId: string; ids: number[]; dir: string; format: MeshFormat; units: 'nm' | 'um'; scene: boolean }; result: { files: string[] } };
}

export type CallName = keyof EngineCalls;
export type CallArgs<K extends CallName> = EngineCalls[K]['args'];
export type CallResult<K extends CallName> = EngineCalls[K]['result'];

export interface Progress {
  stage: string;
  fraction: number | null;
  /** Estimated seconds left, when known. */
  etaSeconds?: number;
  /** Training figures, while a model trains. */
  training?: { step: number; steps: number; loss: number; pxPerS: number };
}

/** Events the engine broadcasts to every connected UI. */
export interface EngineEvents {
  log: { level: 'info' | 'warn' | 'error'; message: string };
  /** Slice z's prediction by model version `model` is stored: the UI redraws that slice while the rest are still predicted. */
  predicted: { projectId: string; model: string; z: number };
}

export type EventName = keyof EngineEvents;

/** An error as it crosses the boundary: what failed, with which file, and what to do. */
export interface ErrorInfo {
  /** Stable machine-readable code, e.g. 'ENOENT', 'TRUNCATED', 'NOT_AN_IMAGE', 'CANCELLED'. */
  code: string;
  message: string;
  file?: string;
  /** The files, when the error is about several (a prediction and its labels). */
  files?: string[];
  hint?: string;
}

/** The engine's side of the contract: one async function per call. */
export type EngineHandlers = {
  [K in CallName]: (args: CallArgs<K>, context: CallContext) => Promise<CallResult<K>>;
};

export interface CallContext {
  signal: AbortSignal;
  progress(progress: Progress): void;
}

/** Options a caller may pass with any call. */
export interface CallOptions {
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

/** The UI's side of the contract: one typed async function per call. */
export type EngineClient = {
  [K in CallName]: (args: CallArgs<K>, options?: CallOptions) => Promise<CallResult<K>>;
} & {
  on<E extends EventName>(event: E, listener: (payload: EngineEvents[E]) => void): () => void;
};

/** Messages on the wire, the same on every transport. */
export type RpcMessage =
  | { kind: 'call'; id: number; method: CallName; args: unknown }
  | { kind: 'cancel'; id: number }
  | { kind: 'result'; id: number; ok: true; value: unknown }
  | { kind: 'result'; id: number; ok: false; error: ErrorInfo }
  | { kind: 'progress'; id: number; progress: Progress }
  | { kind: 'event'; name: EventName; payload: unknown };

/** The desktop bridge (Electron channel names, menu commands) lives in electronBridge.ts. */
export type { MenuCommand, OpenDialogKind } from './electronBridge.js';
