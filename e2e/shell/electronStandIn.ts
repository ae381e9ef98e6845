/**
 * A recording stand-in for the `electron` module, for running build/electron/main.js without
 * the Electron binary (e2e/electronMain.test.ts mocks `electron` with it). It does what the
 * main process needs and records what main does: windows are plain objects whose page the test
 * plays, the engine's utility process is a real forked Node process (ForkedEngine), ports are
 * StandInPorts. It proves the main process's logic, not Electron's behaviour.
 */
import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ForkedEngine } from './forkEngine.js';
import { StandInChannel, type StandInPort } from './StandInPort.js';

type Handler = (...args: never[]) => unknown;

/** Everything main did, in order, for the test to read. */
export const calls: { what: string; args: unknown[] }[] = [];
const record = (what: string, ...args: unknown[]): void => void calls.push({ what, args });

let readyResolve: () => void = () => undefined;
const readyPromise = new Promise<void>((resolve) => (readyResolve = resolve));
let isReady = false;

class App extends EventEmitter {
  isPackaged = false;
  /** What requestSingleInstanceLock answers: false plays a second launch. */
  lockResult = true;
  isReady(): boolean {
    return isReady;
  }
  whenReady(): Promise<void> {
    return readyPromise;
  }
  requestSingleInstanceLock(): boolean {
    record('app.requestSingleInstanceLock');
    return this.lockResult;
  }
  quit(): void {
    record('app.quit');
  }
}
export const app = new App();

/** Fires `ready`: main's whenReady() work runs. */
export function becomeReady(): void {
  isReady = true;
  readyResolve();
}

let nextContentsId = 1;
/** The focused window, as Electron keeps it (one at a time). */
const focus: { window: BrowserWindow | null } = { window: null };

export class WebContents extends EventEmitter {
  readonly id = nextContentsId++;
  readonly mainFrame: { url: string; parent: null } = { url: '', parent: null };
  loading = false;
  destroyed = false;
  /** send() calls: [channel, ...args]. */
  readonly sent: unknown[][] = [];
  /** postMessage() calls: channel, message and the ports. */
  readonly posted: { channel: string; message: unknown; ports: StandInPort[] }[] = [];
  windowOpenHandler: Handler | null = null;

  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push([channel, ...args]);
  }
  postMessage(channel: string, message: unknown, ports: StandInPort[] = []): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.posted.push({ channel, message: structuredClone(message), ports });
  }
  isLoading(): boolean {
    return this.loading;
  }
  reload(): void {
    record('webContents.reload', this.id);
    this.loading = true;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setWindowOpenHandler(handler: Handler): void {
    this.windowOpenHandler = handler;
  }
}

export class BrowserWindow extends EventEmitter {
  static readonly all: BrowserWindow[] = [];
  static getAllWindows(): BrowserWindow[] {
    return BrowserWindow.all.filter((w) => !w.destroyed);
  }
  static getFocusedWindow(): BrowserWindow | null {
    return focus.window && !focus.window.destroyed ? focus.window : null;
  }
  static fromWebContents(contents: WebContents): BrowserWindow | null {
    return BrowserWindow.all.find((w) => w.webContents === contents) ?? null;
  }

  readonly webContents = new WebContents();
  destroyed = false;
  minimized = false;

  constructor(readonly options: unknown) {
    super();
    BrowserWindow.all.push(this);
    record('new BrowserWindow', options);
  }
  /** Plays the page loading: loading until the test calls finishLoad(). */
  loadURL(url: string): Promise<void> {
    this.webContents.mainFrame.url = url;
    this.webContents.loading = true;
    record('loadURL', url);
    return Promise.resolve();
  }
  finishLoad(): void {
    this.webContents.loading = false;
    this.webContents.emit('did-finish-load');
    this.emit('ready-to-show');
  }
  show(): void {}
  focus(): void {
    focus.window = this;
  }
  blur(): void {
    if (focus.window === this) focus.window = null;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** Closes the window as the user would (macOS keeps the app running). */
  destroy(): void {
    this.destroyed = true;
    this.webContents.destroyed = true;
    if (focus.window === this) focus.window = null;
    this.webContents.emit('destroyed');
    this.emit('closed');
  }
}

class IpcMain {
  readonly listeners = new Map<string, Handler>();
  readonly handlers = new Map<string, Handler>();
  on(channel: string, listener: Handler): void {
    this.listeners.set(channel, listener);
  }
  handle(channel: string, handler: Handler): void {
    this.handlers.set(channel, handler);
  }
}
export const ipcMain = new IpcMain();

/**
 * Plays the page sending on an ipc channel: from its own top frame, or from `from` (a top frame
 * at another URL, or an iframe inside the page).
 */
export function pageSends(contents: WebContents, channel: string, from?: { url: string; iframe?: boolean }, ...args: unknown[]): void {
  const frame = from === undefined ? contents.mainFrame : { url: from.url, parent: from.iframe ? contents.mainFrame : null };
  const listener = ipcMain.listeners.get(channel);
  if (!listener) throw new Error(`main does not listen on ${channel}`);
  (listener as (...a: unknown[]) => void)({ sender: contents, senderFrame: frame }, ...args);
}

/** Answers for the next showOpenDialog calls. */
export const dialogAnswers: { canceled: boolean; filePaths: string[] }[] = [];
export const dialog = {
  showOpenDialog: async (...args: unknown[]) => {
    record('dialog.showOpenDialog', ...args);
    return dialogAnswers.shift() ?? { canceled: true, filePaths: [] };
  },
  showErrorBox: (title: string, content: string) => record('dialog.showErrorBox', title, content),
};

export const protocol = {
  handlers: new Map<string, (request: Request) => Response | Promise<Response>>(),
  registerSchemesAsPrivileged: (schemes: unknown) => record('protocol.registerSchemesAsPrivileged', schemes),
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void {
    this.handlers.set(scheme, handler);
  },
};

export const net = {
  fetch: async (url: string) => new Response(await readFile(fileURLToPath(url))),
};

export const session = {
  defaultSession: {
    requestHandler: null as Handler | null,
    checkHandler: null as Handler | null,
    deviceHandler: null as Handler | null,
    setPermissionRequestHandler(handler: Handler) {
      this.requestHandler = handler;
    },
    setPermissionCheckHandler(handler: Handler) {
      this.checkHandler = handler;
    },
    setDevicePermissionHandler(handler: Handler) {
      this.deviceHandler = handler;
    },
  },
};

/** Every engine forked, with when it started and ended. */
export const engines: { engine: ForkedEngine; args: string[]; startedAt: number; exitedAt: number | null }[] = [];
export const utilityProcess = {
  fork(modulePath: string, args: string[], options: unknown): ForkedEngine {
    record('utilityProcess.fork', modulePath, args, options);
    const engine = new ForkedEngine(modulePath, args);
    const entry = { engine, args, startedAt: Date.now(), exitedAt: null as number | null };
    engine.once('exit', () => (entry.exitedAt = Date.now()));
    engines.push(entry);
    return engine;
  },
};

export { StandInChannel as MessageChannelMain };

interface MenuItem {
  label?: string;
  role?: string;
  click?: () => void;
  submenu?: MenuItem[];
}
export const Menu = {
  current: null as MenuItem[] | null,
  buildFromTemplate: (template: MenuItem[]) => template,
  setApplicationMenu(menu: MenuItem[]) {
    this.current = menu;
  },
};

/** Clicks a menu item by its label (File › Save is `clickMenu('File', 'Save')`). */
export function clickMenu(top: string, item: string): void {
  const submenu = Menu.current?.find((entry) => entry.label === top)?.submenu;
  const entry = submenu?.find((candidate) => candidate.label === item);
  if (!entry?.click) throw new Error(`No menu item ${top} › ${item}`);
  entry.click();
}

export default { app, BrowserWindow, dialog, ipcMain, MessageChannelMain: StandInChannel, Menu, net, protocol, session, utilityProcess };
