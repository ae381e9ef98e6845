/**
 * The preload bridge: exposes `window.membrana` (ElectronBridge) and nothing else. Sandboxed
 * preloads cannot load other modules, so the channel names are inlined here and typed against
 * the contract's IPC_CHANNELS, which keeps them from drifting.
 */
import electron = require('electron');
import type { ElectronBridge, IPC_CHANNELS, MenuCommand, RpcMessage } from '../protocol/contract.js';

const { contextBridge, ipcRenderer } = electron;
type IpcRendererEvent = electron.IpcRendererEvent;

const RPC: (typeof IPC_CHANNELS)['rpc'] = 'membrana:rpc';
const OPEN_PATH: (typeof IPC_CHANNELS)['openPath'] = 'membrana:open-path';
const SHOW_OPEN_DIALOG: (typeof IPC_CHANNELS)['showOpenDialog'] = 'membrana:show-open-dialog';
const MENU: (typeof IPC_CHANNELS)['menu'] = 'membrana:menu';

function subscribe<T>(channel: string, listener: (value: T) => void): () => void {
  const handler = (_event: IpcRendererEvent, value: T): void => listener(value);
  ipcRenderer.on(channel, handler);
  return () => ipcRenderer.removeListener(channel, handler);
}

const bridge: ElectronBridge = {
  send: (message: RpcMessage) => ipcRenderer.send(RPC, message),
  onMessage: (listener) => subscribe<RpcMessage>(RPC, listener),
  showOpenDialog: (kind = 'file') => ipcRenderer.invoke(SHOW_OPEN_DIALOG, kind) as Promise<string | null>,
  onOpenPath: (listener) => subscribe<string>(OPEN_PATH, listener),
  onMenu: (listener) => subscribe<MenuCommand>(MENU, listener),
};

contextBridge.exposeInMainWorld('membrana', bridge);
