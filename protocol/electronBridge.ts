/**
 * The desktop app's bridge between its window and the main process (electron/preload.cts
 * exposes it as `window.membrana`). Engine calls do not pass through here: the window gets a
 * MessagePort straight to the engine's utility process, and this bridge only asks for it.
 */
import type { ErrorInfo } from './contract.js';

/** Names of Electron IPC channels (the preload bridge inlines these literals, typed against them). */
export const IPC_CHANNELS = {
  /** renderer -> main: this page wants its own port to the engine (at start and after a reload) */
  requestEnginePort: 'membrana:request-engine-port',
  /** main -> preload: a MessagePort to the engine, with an EnginePortNotice */
  enginePort: 'membrana:engine-port',
  /** main -> renderer: the engine stopped for good; a message for the user */
  engineStopped: 'membrana:engine-stopped',
  /** main -> renderer: a path chosen in File › Open, given on a command line or opened from the desktop */
  openPath: 'membrana:open-path',
  /** renderer -> main: show the native open dialog; resolves to a path or null */
  showOpenDialog: 'membrana:show-open-dialog',
  /** main -> renderer: a menu command (MenuCommand) for the renderer to carry out */
  menu: 'membrana:menu',
} as const;

/** What comes with a port to the engine. */
export interface EnginePortNotice {
  /** Set when this port replaces one whose engine stopped: the old port's calls in flight fail with it. */
  replaces: ErrorInfo | null;
}

/**
 * A MessagePort cannot cross the context bridge, so the preload hands the port to the page with
 * `window.postMessage(message, origin, [port])`; this is that message's data.
 */
export interface EnginePortMessage {
  type: 'membrana:engine-port';
  notice: EnginePortNotice;
}

export const ENGINE_PORT_MESSAGE: EnginePortMessage['type'] = 'membrana:engine-port';

/** What the native Open dialog picks: a file (TIFF, PNG) or a folder (PNG slices, OME-Zarr). */
export type OpenDialogKind = 'file' | 'folder';

/** Commands of the desktop app's menu that the renderer carries out (it holds the project). */
export type MenuCommand = 'newProject' | 'openProject' | 'openLabels' | 'save' | 'undo' | 'redo';

/** What the preload script exposes as `window.membrana` (Electron only). */
export interface ElectronBridge {
  /**
   * Asks for a port to the engine. It arrives as a window `message` event whose data is an
   * EnginePortMessage and whose `ports[0]` is the port; later ones replace it (the engine restarted).
   */
  requestEnginePort(): void;
  /** The engine stopped and will not be restarted; `message` says what to do. */
  onEngineStopped(listener: (message: string) => void): () => void;
  /** The native Open dialog for a file (default) or a folder; the chosen path, or null. */
  showOpenDialog(kind?: OpenDialogKind): Promise<string | null>;
  /** Paths to open; the ones that arrived before the first listener are replayed to it. */
  onOpenPath(listener: (path: string) => void): () => void;
  onMenu(listener: (command: MenuCommand) => void): () => void;
}

/**
 * Main process -> engine utility process, on its parentPort. `connect` carries the engine's end
 * of a window's port in `ports[0]`; a client's new port replaces its old one (the page reloaded),
 * and `disconnect` drops it (the page crashed or navigated away). Either cancels its calls.
 */
export type EngineControlMessage = { kind: 'connect'; client: string } | { kind: 'disconnect'; client: string };
