/** How calls and events travel: the typed client and handlers built from EngineCalls, and the messages on the wire (the same on every transport). */
import type { LogEntry } from './app.js';
import type { EngineCalls } from './calls.js';
import type { ErrorInfo, Progress } from './vocabulary.js';

export type CallName = keyof EngineCalls;
export type CallArgs<K extends CallName> = EngineCalls[K]['args'];
export type CallResult<K extends CallName> = EngineCalls[K]['result'];

/** Events the engine broadcasts to every connected UI. */
export interface EngineEvents {
  /** A warning or error the engine logged (info and debug stay in the log file); a flood is cut down to a count. */
  log: LogEntry;
  /** Slice z's prediction by model version `model` is stored: the UI redraws that slice while the rest are still predicted. */
  predicted: { projectId: string; model: string; z: number };
}

export type EventName = keyof EngineEvents;

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
