/**
 * Electron main process: one window, the engine in a utility process, IPC only through the
 * contract (relayed and validated here), and the security settings the Electron docs prescribe.
 */
import { app, BrowserWindow, dialog, ipcMain, net, protocol, session, utilityProcess, type IpcMainEvent, type IpcMainInvokeEvent, type UtilityProcess } from 'electron';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { IPC_CHANNELS, type OpenDialogKind, type RpcMessage } from '../protocol/contract.js';
import type { MessageLink } from '../protocol/RpcClient.js';
import { RpcRelay, type RelayPort } from '../protocol/RpcRelay.js';
import { buildMenu } from './menu.js';
import { startupPathFromArgv } from './startupPath.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const appRoot = path.resolve(here, '..', '..');
const rendererDir = path.join(appRoot, 'build', 'renderer');
const APP_ORIGIN = 'app://membrana';

protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

const startupPath = startupPathFromArgv(process.argv, app.isPackaged);
let engine: UtilityProcess | null = null;
let relay: RpcRelay | null = null;
const ports = new Map<number, RelayPort>();

/** Starts the engine in a utility process and returns a link to it. */
function startEngine(): MessageLink {
  const child = utilityProcess.fork(path.join(appRoot, 'build', 'engine', 'host', 'utilityProcess.js'), startupPath ? [`--startup-path=${startupPath}`] : [], {
    serviceName: 'Membrana engine',
    stdio: 'inherit',
  });
  const listeners = new Set<(message: RpcMessage) => void>();
  child.on('message', (message: RpcMessage) => listeners.forEach((listener) => listener(message)));
  child.on('exit', (code) => {
    // A crash in the engine must not take the window down: fail its calls, start a fresh engine.
    if (engine !== child || !relay) return;
    console.error(`Membrana engine exited with code ${code}; restarting it.`);
    relay.replaceEngine(startEngine(), { code: 'ENGINE_RESTARTED', message: `The engine stopped (code ${code}) and was restarted; open your file again.` });
  });
  engine = child;
  return {
    send: (message) => child.postMessage(message),
    onMessage: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Only our own pages may talk to the engine. */
function isTrustedSender(event: IpcMainEvent | IpcMainInvokeEvent): boolean {
  const url = event.senderFrame?.url ?? '';
  return url.startsWith(`${APP_ORIGIN}/`);
}

function portFor(event: IpcMainEvent): RelayPort | null {
  if (!relay) return null;
  const { sender } = event;
  let port = ports.get(sender.id);
  if (!port) {
    port = relay.connect((message) => {
      if (!sender.isDestroyed()) sender.send(IPC_CHANNELS.rpc, message);
    });
    ports.set(sender.id, port);
    sender.once('destroyed', () => {
      ports.get(sender.id)?.close();
      ports.delete(sender.id);
    });
  }
  return port;
}

/**
 * The native Open dialog: a TIFF/PNG file, or a folder (PNG slices or an OME-Zarr volume). On
 * Windows and Linux one dialog cannot pick both (asked for both, it shows a folder picker only),
 * so they are two commands there; macOS lets the file dialog pick folders too.
 */
async function chooseVolume(window: BrowserWindow, kind: OpenDialogKind): Promise<string | null> {
  const folder = kind === 'folder';
  const result = await dialog.showOpenDialog(window, {
    title: folder ? 'Open a folder of PNG slices or an OME-Zarr volume' : 'Open EM stack',
    properties: folder ? ['openDirectory'] : process.platform === 'darwin' ? ['openFile', 'openDirectory'] : ['openFile'],
    ...(folder
      ? {}
      : {
          filters: [
            { name: 'EM images (TIFF, PNG)', extensions: ['tif', 'tiff', 'png'] },
            { name: 'All files', extensions: ['*'] },
          ],
        }),
  });
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 640,
    minHeight: 480,
    backgroundColor: '#16181c',
    title: 'Membrana',
    show: false,
    webPreferences: {
      preload: path.join(here, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  void window.loadURL(`${APP_ORIGIN}/index.html`);
  return window;
}

app.whenReady().then(() => {
  // Serve the built renderer from app://membrana/, never leaving its folder.
  protocol.handle('app', (request) => {
    const { host, pathname } = new URL(request.url);
    const file = path.resolve(rendererDir, `.${decodeURIComponent(pathname)}`);
    if (host !== 'membrana' || !file.startsWith(rendererDir + path.sep)) return new Response('Not found', { status: 404 });
    return net.fetch(pathToFileURL(file).toString());
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));

  relay = new RpcRelay(startEngine());
  ipcMain.on(IPC_CHANNELS.rpc, (event, message: unknown) => {
    if (!isTrustedSender(event)) return;
    portFor(event)?.receive(message);
  });
  ipcMain.handle(IPC_CHANNELS.showOpenDialog, async (event, kind: unknown) => {
    if (!isTrustedSender(event)) return null;
    const window = BrowserWindow.fromWebContents(event.sender);
    return window ? chooseVolume(window, kind === 'folder' ? 'folder' : 'file') : null;
  });

  const window = createWindow();
  buildMenu({
    open: async (kind) => {
      const target = BrowserWindow.getFocusedWindow() ?? window;
      const chosen = await chooseVolume(target, kind);
      if (chosen) target.webContents.send(IPC_CHANNELS.openPath, chosen);
    },
    command: (command) => (BrowserWindow.getFocusedWindow() ?? window).webContents.send(IPC_CHANNELS.menu, command),
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

app.on('will-quit', () => {
  const child = engine;
  engine = null;
  child?.kill();
});
