/**
 * The one contract between the UI and the engine. Every call and event is declared here once;
 * the Electron main process, the preload bridge, the serve-mode WebSocket host and the renderer's
 * client are all typed from these declarations. Nothing here depends on Node, Electron or the DOM.
 */

export type VoxelType = 'uint8' | 'uint16' | 'float32';

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
  /** 'node-gpu', 'node', 'wasm' or 'cpu'. */
  choice: string;
  /** For people, e.g. 'WebAssembly (SIMD)'. */
  description: string;
  /** Why faster backends were passed over, one line each. */
  skipped: string[];
}

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
  closeVolume: { args: { volumeId: string }; result: null };
  /** Starts the compute backend if needed and says which it is. */
  backend: { args: Record<string, never>; result: BackendInfo };
}

export type CallName = keyof EngineCalls;
export type CallArgs<K extends CallName> = EngineCalls[K]['args'];
export type CallResult<K extends CallName> = EngineCalls[K]['result'];

/** The runtime list of call names; `satisfies` keeps it in step with `EngineCalls`. */
export const CALL_NAMES = {
  hello: true,
  openSample: true,
  openPath: true,
  openFiles: true,
  getSlice: true,
  closeVolume: true,
  backend: true,
} as const satisfies Record<CallName, true>;

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(CALL_NAMES, name);
}

/** Progress of a long call: which stage, how far (0..1, or null when unknown). */
export interface Progress {
  stage: string;
  fraction: number | null;
  /** Estimated seconds left, when known. */
  etaSeconds?: number;
}

/** Events the engine broadcasts to every connected UI. */
export interface EngineEvents {
  log: { level: 'info' | 'warn' | 'error'; message: string };
}

export type EventName = keyof EngineEvents;

/** An error as it crosses the boundary: what failed, with which file, and what to do. */
export interface ErrorInfo {
  /** Stable machine-readable code, e.g. 'ENOENT', 'TRUNCATED', 'NOT_AN_IMAGE', 'CANCELLED'. */
  code: string;
  message: string;
  file?: string;
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

/** Names of Electron IPC channels (the preload bridge inlines these literals, typed against them). */
export const IPC_CHANNELS = {
  /** renderer -> main -> engine, and back: RpcMessage */
  rpc: 'membrana:rpc',
  /** main -> renderer: a path chosen in File › Open or given on the command line */
  openPath: 'membrana:open-path',
  /** renderer -> main: show the native open dialog; resolves to a path or null */
  showOpenDialog: 'membrana:show-open-dialog',
} as const;

/** What the preload script exposes as `window.membrana` (Electron only). */
export interface ElectronBridge {
  send(message: RpcMessage): void;
  onMessage(listener: (message: RpcMessage) => void): () => void;
  showOpenDialog(): Promise<string | null>;
  onOpenPath(listener: (path: string) => void): () => void;
}
