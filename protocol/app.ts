/** The engine itself: who it is, which compute backend it runs on, its log and diagnostics. */

export interface EngineInfo {
  version: string;
  /** Which host runs the engine: 'electron' (utility process) or 'serve' (worker thread). */
  host: 'electron' | 'serve' | 'test';
  /** A path given on the command line, to open at startup instead of the sample. */
  startupPath: string | null;
  /** Where new projects go unless the user picks a folder (the sample's projects among them): projects/ in the user's config folder. */
  projectsDir: string;
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

/** How much a log line matters, least first; MEMBRANA_LOG_LEVEL sets the threshold (default info). */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** One log line as the `log` event carries it to the UI (see engine/base/log.ts). */
export interface LogEntry {
  level: LogLevel;
  /** Which part of the engine said it, e.g. 'project', 'predict'. */
  source: string;
  message: string;
  /** The whole line as the log file has it: ISO time, level, source, message, key=value fields. */
  line: string;
}

/** What a bug report needs: versions, platform, compute, and the end of the log (Help › Copy diagnostics). */
export interface Diagnostics {
  /** Membrana's version and the host running the engine. */
  app: { version: string; host: EngineInfo['host'] };
  /** Versions by component: node, electron (desktop only), v8, onnxruntime-node, @tensorflow/tfjs-core, optional native backends when installed. */
  versions: Record<string, string>;
  platform: { os: string; release: string; arch: string; cpus: number; cpuModel: string; memoryGiB: number };
  /** The prediction provider (ONNX Runtime execution provider or TensorFlow.js), or why none could start. */
  prediction: BackendInfo | { error: string };
  /** The TensorFlow.js backend fine-tuning asks for: MEMBRANA_BACKEND when set, else automatic (the fastest that loads). */
  training: string;
  /** MEMBRANA_LOG_LEVEL's threshold in force. */
  logLevel: LogLevel;
  /** The log file (rotated at about 1 MB, three kept), or null when none is written (tests, a folder that cannot be written). */
  logFile: string | null;
  /** The last log lines, oldest first (from the file when there is one, else from memory). */
  logLines: string[];
}

/** The app calls: each call's arguments and result (see EngineCalls). */
export interface AppCalls {
  hello: { args: Record<string, never>; result: EngineInfo };
  /** Starts the compute backend if needed and says which it is. */
  backend: { args: Record<string, never>; result: BackendInfo };
  /** Versions, platform, compute and the last log lines, for a bug report. */
  diagnostics: { args: Record<string, never>; result: Diagnostics };
}
