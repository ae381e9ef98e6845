/**
 * The page side of e2e/electronBridge.test.ts: an init script that runs the real built preload
 * (build/electron/preload.cjs) in Chromium against a fake `electron` module, as Electron would
 * before the page's scripts. What crosses the fake contextBridge and ipcRenderer is
 * structured-cloned, as Electron's are; the engine port is a real MessagePort in the page, so
 * every engine message is structured-cloned by Chromium itself, exactly as in the desktop app.
 * Its far end is carried to a real engine process in Node (see the test) through bindings.
 *
 * Page globals used by the test: __shellMain.send(channel, ...args) plays main -> renderer
 * messages; the bindings __shellConnect, __shellToEngine and __shellInvoke are the test's.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pageCodec } from './pageCodec.js';

/** The page's stand-in for Electron and its main process; `preload` is preload.cjs's source. */
function fakeElectronHost(codecFactory: typeof pageCodec, runPreload: (require: (name: string) => unknown) => void): void {
  const codec = codecFactory();
  type Listener = (event: { ports: MessagePort[] }, ...args: unknown[]) => void;
  const listeners = new Map<string, Set<Listener>>();
  const shell = window as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const emit = (channel: string, ports: MessagePort[], args: unknown[]): void => {
    for (const listener of listeners.get(channel) ?? []) listener({ ports }, ...structuredClone(args));
  };
  let enginePort: MessagePort | null = null;

  /** What main does for messages from the page (engine calls never come here). */
  const main: Record<string, () => void> = {
    'membrana:request-engine-port': () => {
      const { port1, port2 } = new MessageChannel();
      enginePort?.close();
      enginePort = port2;
      port2.onmessage = (event) => void shell.__shellToEngine!(codec.encode(event.data));
      void shell.__shellConnect!().then(() => emit('membrana:engine-port', [port1], [{ replaces: null }]));
    },
  };

  const ipcRenderer = {
    on(channel: string, listener: Listener) {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(listener);
      return ipcRenderer;
    },
    removeListener(channel: string, listener: Listener) {
      listeners.get(channel)?.delete(listener);
      return ipcRenderer;
    },
    send(channel: string, ...args: unknown[]) {
      structuredClone(args); // Electron's IPC refuses what it cannot clone
      main[channel]?.();
    },
    invoke(channel: string, ...args: unknown[]) {
      return shell.__shellInvoke!(channel, structuredClone(args));
    },
  };

  /** contextBridge: functions are proxied, everything else is copied, both ways. */
  const acrossBridge = (value: unknown): unknown => {
    if (typeof value === 'function') {
      return (...args: unknown[]) => acrossBridge((value as (...a: unknown[]) => unknown)(...args.map(acrossBridge)));
    }
    if (value instanceof Promise) return value.then(acrossBridge);
    if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value)) out[key] = typeof v === 'function' ? acrossBridge(v) : structuredClone(v);
      return Object.freeze(out);
    }
    return structuredClone(value);
  };
  const contextBridge = {
    exposeInMainWorld(name: string, api: unknown) {
      Object.defineProperty(window, name, { value: acrossBridge(api), enumerable: true });
    },
  };

  (window as unknown as Record<string, unknown>).__shellMain = {
    send: (channel: string, ...args: unknown[]) => emit(channel, [], args),
  };
  (window as unknown as Record<string, unknown>).__shellFromEngine = (encoded: unknown) => enginePort?.postMessage(codec.decode(encoded));
  runPreload((name) => {
    if (name === 'electron') return { contextBridge, ipcRenderer };
    throw new Error(`A sandboxed preload cannot require "${name}".`);
  });
}

/** The init script: the fake host, the codec and the real preload, in one self-running source. */
export function fakePreloadScript(root: string): string {
  const preload = readFileSync(path.join(root, 'build', 'electron', 'preload.cjs'), 'utf8');
  const runPreload = `(require) => { const module = { exports: {} }; (function (require, module, exports) {\n${preload}\n})(require, module, module.exports); }`;
  return `(${fakeElectronHost.toString()})(${pageCodec.toString()}, ${runPreload});`;
}
