/** The engine itself: who it is and which compute backend it runs on. */

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

/** The app calls: each call's arguments and result (see EngineCalls). */
export interface AppCalls {
  hello: { args: Record<string, never>; result: EngineInfo };
  /** Starts the compute backend if needed and says which it is. */
  backend: { args: Record<string, never>; result: BackendInfo };
}
