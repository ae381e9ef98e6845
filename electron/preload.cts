/**
 * The preload bridge: exposes `window.membrana` (ElectronBridge) and nothing else. Sandboxed
 * preloads cannot load other modules, so the channel names are inlined here and typed against
 * electronBridge.ts's IPC_CHANNELS, which keeps them from drifting.
 *
 * The engine port cannot cross the context bridge, so it is handed to the page with
 * window.postMessage (the pattern of Electron's MessagePorts guide); the page then talks to the
 * engine's utility process directly, and every message is structured-cloned on the way.
 */
import electron = require('electron');
import type { ElectronBridge, EnginePortMessage, EnginePortNotice, IPC_CHANNELS, MenuCommand } from '../protocol/electronBridge.js';

const { contextBridge, ipcRenderer } = electron;
type IpcRendererEvent = electron.IpcRendererEvent;
/** The page's window as the preload sees it (the Node build has no DOM types). */
declare const window: { postMessage(message: unknown, targetOrigin: string, transfer: unknown[]): void; location: { origin: string } };

const REQUEST_ENGINE_PORT: (typeof IPC_CHANNELS)['requestEnginePort'] = 'membrana:request-engine-port';
const ENGINE_PORT: (typeof IPC_CHANNELS)['enginePort'] = 'membrana:engine-port';
const ENGINE_STOPPED: (typeof IPC_CHANNELS)['engineStopped'] = 'membrana:engine-stopped';
const OPEN_PATH: (typeof IPC_CHANNELS)['openPath'] = 'membrana:open-path';
const SHOW_OPEN_DIALOG: (typeof IPC_CHANNELS)['showOpenDialog'] = 'membrana:show-open-dialog';
const MENU: (typeof IPC_CHANNELS)['menu'] = 'membrana:menu';
const PORT_MESSAGE: EnginePortMessage['type'] = 'membrana:engine-port';

function subscribe<T>(channel: string, listener: (value: T) => void): () => void {
  const handler = (_event: IpcRendererEvent, value: T): void => listener(value);
  ipcRenderer.on(channel, handler);
  return () => ipcRenderer.removeListener(channel, handler);
}

ipcRenderer.on(ENGINE_PORT, (event: IpcRendererEvent, notice: EnginePortNotice) => {
  const message: EnginePortMessage = { type: PORT_MESSAGE, notice };
  window.postMessage(message, window.location.origin, [...event.ports]);
});

// A file opened from the desktop may arrive before the page listens: keep it for the first listener.
const openPathListeners = new Set<(path: string) => void>();
const earlyPaths: string[] = [];
ipcRenderer.on(OPEN_PATH, (_event: IpcRendererEvent, path: string) => {
  if (openPathListeners.size === 0) earlyPaths.push(path);
  for (const listener of openPathListeners) listener(path);
});

const bridge: ElectronBridge = {
  requestEnginePort: () => ipcRenderer.send(REQUEST_ENGINE_PORT),
  onEngineStopped: (listener) => subscribe<string>(ENGINE_STOPPED, listener),
  showOpenDialog: (kind = 'file') => ipcRenderer.invoke(SHOW_OPEN_DIALOG, kind) as Promise<string | null>,
  onOpenPath: (listener) => {
    openPathListeners.add(listener);
    // Replayed after the caller's own start-up step (Workspace opens the sample right after subscribing).
    const queued = earlyPaths.splice(0);
    if (queued.length > 0) setTimeout(() => queued.forEach((path) => listener(path)), 0);
    return () => openPathListeners.delete(listener);
  },
  onMenu: (listener) => subscribe<MenuCommand>(MENU, listener),
};

contextBridge.exposeInMainWorld('membrana', bridge);
