import path from 'node:path';
import type { EngineEvents, EngineHandlers, EngineInfo, EventName } from '../../protocol/contract.js';
import { findAppRoot, readAppVersion } from '../base/appRoot.js';
import { defaultConfigDir, defaultProjectsDir } from '../project/RecentProjects.js';
import { ProjectSessions } from './ProjectSessions.js';
import { volumeCalls } from './volumeCalls.js';
import { VolumeRegistry } from './VolumeRegistry.js';

export interface EngineServiceOptions {
  host: EngineInfo['host'];
  startupPath?: string | null;
  /** Folder holding `sample/`; found from the installed app when not given. */
  assetsDir?: string;
  /** Where the list of recent projects is kept; default: the user's config folder (MEMBRANA_HOME). */
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
    this.projects = new ProjectSessions(this.volumes, {
      ...(options.configDir ? { configDir: options.configDir } : {}),
      emit: (event, payload) => {
        for (const listener of this.listeners) listener(event, payload);
      },
    });
    this.handlers = { ...this.engineCalls(), ...volumeCalls(this.volumes, assetsDir), ...this.projects.handlers };
  }

  /** Closes open projects (their journals). */
  dispose(): Promise<void> {
    return this.projects.dispose();
  }

  private engineCalls(): Pick<EngineHandlers, 'hello' | 'backend'> {
    return {
      hello: async () => ({
        version: readAppVersion(),
        host: this.options.host,
        startupPath: this.options.startupPath ?? null,
        projectsDir: defaultProjectsDir(this.options.configDir ?? defaultConfigDir()),
      }),
      backend: async () => {
        // Where predictions run (the status line names it); loaded on first use, so opening the app does not wait for it.
        const { inferenceProvider } = await import('../predict/inferenceProvider.js');
        const { name, description, skipped } = await inferenceProvider();
        return { choice: name, description, skipped };
      },
    };
  }
}
