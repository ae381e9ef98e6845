/**
 * Electron main process: windows, the engine in a supervised utility process, and the security
 * settings the Electron docs prescribe. Engine calls do not pass through here: each page gets a
 * MessagePort straight to the engine (EnginePorts), which checks every call against the contract.
 * One instance runs at a time; files opened from the desktop or a second launch go to it.
 */
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  MessageChannelMain,
  net,
  protocol,
  session,
  utilityProcess,
  type IpcMainEvent,
  type IpcMainInvokeEvent,
  type UtilityProcess,
} from 'electron';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { IPC_CHANNELS, type OpenDialogKind } from '../protocol/electronBridge.js';
import { EnginePorts } from './EnginePorts.js';
import { EngineSupervisor } from '../engine/host/EngineSupervisor.js';
import { logger } from '../engine/base/log.js';
import { logFileIn, logToFile } from '../engine/base/logFile.js';
import { defaultConfigDir } from '../engine/project/RecentProjects.js';
import { lockDownSession } from './lockDownSession.js';
import { buildMenu } from './menu.js';
import { startupPathFromArgv } from './startupPath.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const appRoot = path.resolve(here, '..', '..');
const rendererDir = path.join(appRoot, 'build', 'renderer');
const APP_ORIGIN = 'app://membrana';

// Main's lines (engine restarts, crashed windows) go to the engine's log file, so one file tells the story.
logToFile(logFileIn(defaultConfigDir()));
const log = logger('electron');

protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

/** The stack to open first: from the command line, or (macOS) a file the app was launched to open. */
let launchPath = startupPathFromArgv(process.argv, app.isPackaged);
const ports = new EnginePorts(() => new MessageChannelMain());
const supervisor = new EngineSupervisor<UtilityProcess>({
  fork: () =>
    utilityProcess.fork(path.join(appRoot, 'build', 'engine', 'host', 'utilityProcess.js'), launchPath ? [`--startup-path=${launchPath}`] : [], {
      serviceName: 'Membrana engine',
      stdio: 'inherit',
    }),
  started: (engine, restart) =>
    ports.engineStarted(
      engine,
      restart && { code: 'ENGINE_RESTARTED', message: `The engine stopped (exit code ${restart.code}) and was restarted; open your file again.` },
    ),
  stopped: (code, retryInMs) => {
    ports.engineStopped();
    log.error(retryInMs === null ? 'The engine stopped; not restarting it again' : `The engine stopped; restarting it in ${retryInMs} ms`, { exitCode: code });
  },
  gaveUp: (message) => {
    log.error(message);
    for (const window of BrowserWindow.getAllWindows()) window.webContents.send(IPC_CHANNELS.engineStopped, message);
    dialog.showErrorBox('The Membrana engine stopped', message);
  },
});

/** Only our own pages' top frames may talk to the main process (no iframe, no other origin). */
function isTrustedSender(event: IpcMainEvent | IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return !!frame && frame.parent === null && frame.url.startsWith(`${APP_ORIGIN}/`);
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
  const contents = window.webContents;
  const id = contents.id; // kept: a destroyed webContents can no longer say its id
  window.once('ready-to-show', () => window.show());
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  // A reload or crash ends the page's client: drop its port so none of its results reach the next page.
  contents.on('did-start-navigation', (details) => {
    if (details.isMainFrame && !details.isSameDocument) ports.disconnect(id);
  });
  let lastCrashReload = 0;
  contents.on('render-process-gone', (_event, details) => {
    ports.disconnect(id);
    if (details.reason !== 'clean-exit') log.error('A window\'s page stopped', { reason: details.reason, exitCode: details.exitCode });
    if (details.reason === 'clean-exit' || window.isDestroyed()) return;
    // Edits are journaled by the engine, so a reload loses nothing saved; a page that keeps crashing is not reloaded in a loop.
    if (Date.now() - lastCrashReload < 60_000) {
      dialog.showErrorBox('The Membrana window crashed again', `The window stopped (${details.reason}, exit code ${details.exitCode}) twice within a minute and was not reloaded again. Your saved edits are on disk: restart Membrana.`);
      return;
    }
    lastCrashReload = Date.now();
    contents.reload();
  });
  contents.once('destroyed', () => ports.disconnect(id));
  void window.loadURL(`${APP_ORIGIN}/index.html`);
  return window;
}

/** The window a menu action or an opened file goes to: the focused one, else any, else a new one. */
function targetWindow(): BrowserWindow {
  const live = BrowserWindow.getAllWindows().filter((window) => !window.isDestroyed());
  return BrowserWindow.getFocusedWindow() ?? live[0] ?? createWindow();
}

/** Opens a file in the app (desktop double-click, second launch, File › Open); the page queues it if it is still loading. */
function openInApp(file: string): void {
  const window = targetWindow();
  const send = (): void => {
    if (!window.isDestroyed()) window.webContents.send(IPC_CHANNELS.openPath, file);
  };
  if (window.webContents.isLoading()) window.webContents.once('did-finish-load', send);
  else send();
  if (window.isMinimized()) window.restore();
  window.focus();
}

function serveRenderer(): void {
  // Serve the built renderer from app://membrana/, never leaving its folder.
  protocol.handle('app', (request) => {
    const { host, pathname } = new URL(request.url);
    const file = path.resolve(rendererDir, `.${decodeURIComponent(pathname)}`);
    if (host !== 'membrana' || !file.startsWith(rendererDir + path.sep)) return new Response('Not found', { status: 404 });
    return net.fetch(pathToFileURL(file).toString());
  });
}

function listen(): void {
  ipcMain.on(IPC_CHANNELS.requestEnginePort, (event) => {
    if (!isTrustedSender(event)) return;
    ports.connect(event.sender);
    if (supervisor.hasGivenUp) event.sender.send(IPC_CHANNELS.engineStopped, 'The Membrana engine is not running; quit Membrana and start it again.');
  });
  ipcMain.handle(IPC_CHANNELS.showOpenDialog, async (event, kind: unknown) => {
    if (!isTrustedSender(event)) return null;
    const window = BrowserWindow.fromWebContents(event.sender);
    return window ? chooseVolume(window, kind === 'folder' ? 'folder' : 'file') : null;
  });
}

function run(): void {
  // macOS: files dropped on the Dock icon or opened from Finder. Before launch they are the startup path.
  app.on('open-file', (event, file) => {
    event.preventDefault();
    if (app.isReady()) openInApp(file);
    else launchPath = file;
  });
  // A second launch (a file opened from the desktop, `membrana b.tif`) hands its file to this one and quits.
  app.on('second-instance', (_event, argv, workingDirectory) => {
    const file = startupPathFromArgv(argv, app.isPackaged, workingDirectory);
    if (file) openInApp(file);
    else {
      const window = targetWindow();
      if (window.isMinimized()) window.restore();
      window.focus();
    }
  });

  void app.whenReady().then(() => {
    serveRenderer();
    lockDownSession(session.defaultSession);
    listen();
    supervisor.start();
    createWindow();
    buildMenu({
      open: async (kind) => {
        const window = targetWindow();
        const chosen = await chooseVolume(window, kind);
        if (chosen) openInApp(chosen);
      },
      command: (command) => {
        // Commands act on an open image; with no window (macOS) there is nothing to act on.
        const window = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
        window?.webContents.send(IPC_CHANNELS.menu, command);
      },
    });
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('will-quit', () => supervisor.stop());
}

if (app.requestSingleInstanceLock()) run();
else app.quit();
