import path from 'node:path';
import type { BackendInfo, EngineEvents, EngineHandlers, EngineInfo, EventName } from '../../protocol/contract.js';
import { findAppRoot, readAppVersion } from '../base/appRoot.js';
import { defaultConfigDir, defaultProjectsDir } from '../project/RecentProjects.js';
import { collectDiagnostics } from './diagnostics.js';
import { ProjectSessions } from './ProjectSessions.js';
import { volumeCalls } from './volumeCalls.js';
import { VolumeRegistry } from './VolumeRegistry.js';

export interface EngineServiceOptions {
  host: EngineInfo['host'];
  startupPath?: string | null;
  /** Folder holding `sample/`; found from the installed app when not given. */
  assetsDir?: string;
  /** Where the list of recent projects (and, from a host, the log) is kept; default: the user's config folder (MEMBRANA_HOME). */
  configDir?: string;
}

/** Hears one of the engine's events (EngineEvents). */
export type EngineEventListener = <E extends EventName>(event: E, payload: EngineEvents[E]) => void;

/** Where a host hears the engine's events (for serveRpc): subscribe with a listener, call the result to stop. */
export type EngineEventSource = (listener: EngineEventListener) => () => void;

/**
 * The engine's state and its implementation of the contract. Plain Node: it runs inside a
 * worker thread (serve mode), an Electron utility process, or directly in tests.
 */
export class EngineService {
  /** Every call of the contract: the engine's own, those on volumes, those on projects. */
  readonly handlers: EngineHandlers;
  /** Membrana's own folder: recent projects, and logs/ where a host writes the log. */
  readonly configDir: string;
  private readonly volumes = new VolumeRegistry();
  private readonly projects: ProjectSessions;
  private readonly listeners = new Set<EngineEventListener>();

  /** The engine's events (EngineEvents) for each connected UI: a host passes this to serveRpc. */
  readonly events: EngineEventSource = (listener) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  constructor(private readonly options: EngineServiceOptions) {
    const assetsDir = options.assetsDir ?? path.join(findAppRoot(), 'assets');
    this.configDir = options.configDir ?? defaultConfigDir();
    this.projects = new ProjectSessions(this.volumes, { configDir: this.configDir, emit: this.emit });
    this.handlers = { ...this.engineCalls(), ...volumeCalls(this.volumes, assetsDir), ...this.projects.handlers };
  }

  /** Tells every connected UI (the events of EngineEvents): a slice predicted, a warning logged. */
  readonly emit: EngineEventListener = (event, payload) => {
    for (const listener of this.listeners) listener(event, payload);
  };

  /** Closes open projects (their journals). */
  dispose(): Promise<void> {
    return this.projects.dispose();
  }

  private engineCalls(): Pick<EngineHandlers, 'hello' | 'backend' | 'diagnostics'> {
    const backend = async (): Promise<BackendInfo> => {
      // Where predictions run (the status line names it); loaded on first use, so opening the app does not wait for it.
      const { inferenceProvider } = await import('../predict/inferenceProvider.js');
      const { name, description, skipped } = await inferenceProvider();
      return { choice: name, description, skipped };
    };
    return {
      hello: async () => ({
        version: readAppVersion(),
        host: this.options.host,
        startupPath: this.options.startupPath ?? null,
        projectsDir: defaultProjectsDir(this.configDir),
      }),
      backend,
      diagnostics: () => collectDiagnostics(this.options.host, backend),
    };
  }
}
