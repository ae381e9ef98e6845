import type { RpcMessage } from '../../../protocol/contract.js';
import type { ElectronBridge } from '../../../protocol/electronBridge.js';
import { createEngineClient, type MessageLink } from '../../../protocol/RpcClient.js';
import { decodeFrame, encodeFrame } from '../../../protocol/wire.js';
import { connectElectronEngine } from './electronEngineLink.js';

declare global {
  interface Window {
    /** Present only inside the Electron app (see electron/preload.cts). */
    membrana?: ElectronBridge;
  }
}

export type Engine = ReturnType<typeof createEngineClient>;

/** Where the UI runs: the desktop app, or a browser against `npm run serve`. */
export type HostKind = 'electron' | 'browser';

export interface EngineConnection {
  engine: Engine;
  host: HostKind;
  /** The Electron bridge when running in the desktop app (native dialogs, menu events). */
  bridge: ElectronBridge | null;
  /**
   * Calls `listener` once if the link to the engine drops (serve mode: the WebSocket closed; desktop:
   * the engine kept crashing and was not restarted); pending calls then reject. Returns the
   * unsubscribe function.
   */
  onDisconnect(listener: (reason: string) => void): () => void;
}

/** Connects to the engine: over a port from the preload bridge in Electron, else over the serve-mode WebSocket. */
export async function connectEngine(): Promise<EngineConnection> {
  const bridge = window.membrana ?? null;
  if (bridge) {
    // The main process restarts a crashed engine and hands over a new port; only its giving up ends the connection.
    const link = await connectElectronEngine(bridge);
    return { engine: createEngineClient(link), host: 'electron', bridge, onDisconnect: (listener) => link.onStopped(listener) };
  }
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/engine`;
  const link = await openWebSocketLink(url);
  const engine = createEngineClient(link);
  const listeners = new Set<(reason: string) => void>();
  link.onClose(() => {
    engine.dispose();
    for (const listener of listeners) listener(`The connection to the Membrana engine at ${url} closed.`);
    listeners.clear();
  });
  return {
    engine,
    host: 'browser',
    bridge: null,
    onDisconnect: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function openWebSocketLink(url: string): Promise<MessageLink & { onClose(listener: () => void): void }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    const listeners = new Set<(message: RpcMessage) => void>();
    socket.addEventListener('message', (event: MessageEvent<ArrayBuffer>) => {
      const message = decodeFrame(new Uint8Array(event.data)) as RpcMessage;
      for (const listener of listeners) listener(message);
    });
    socket.addEventListener('open', () =>
      resolve({
        send: (message) => socket.send(encodeFrame(message)),
        onMessage: (listener) => {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
        onClose: (listener) => socket.addEventListener('close', listener, { once: true }),
      }),
    );
    socket.addEventListener('error', () => reject(new Error(`Cannot reach the Membrana engine at ${url}. Is \`npm run serve\` running?`)));
  });
}
