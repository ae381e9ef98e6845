import type { ErrorInfo, RpcMessage } from '../../../protocol/contract.js';
import { ENGINE_PORT_MESSAGE, type ElectronBridge, type EnginePortMessage } from '../../../protocol/electronBridge.js';
import type { MessageLink } from '../../../protocol/RpcClient.js';

/** The desktop app's link to its engine: a MessagePort straight to the engine's utility process. */
export interface ElectronEngineLink extends MessageLink {
  /** Calls `listener` once if the engine stopped for good (the main process gave up restarting it). */
  onStopped(listener: (message: string) => void): () => void;
}

function isPortMessage(data: unknown): data is EnginePortMessage {
  return typeof data === 'object' && data !== null && (data as EnginePortMessage).type === ENGINE_PORT_MESSAGE;
}

/**
 * Asks the main process for a port to the engine and resolves once it arrives. A later port (the
 * engine was restarted) replaces it: calls the old engine never answered fail with the notice's
 * error, so nothing waits for ever. Messages are structured-cloned by the port, as everywhere in
 * Electron: a value that cannot be cloned (a Svelte state proxy, a function) makes the call fail
 * at once with a DataCloneError. Nothing is transferred: Electron loses or crashes on ArrayBuffers
 * transferred to a MessagePortMain (electron/electron#34905, #37565).
 */
export function connectElectronEngine(bridge: ElectronBridge, target: Window = window, timeoutMs = 30_000): Promise<ElectronEngineLink> {
  let port: MessagePort | null = null;
  let stopped: ErrorInfo | null = null;
  const inFlight = new Set<number>();
  const listeners = new Set<(message: RpcMessage) => void>();
  const stoppedListeners = new Set<(message: string) => void>();

  const deliver = (message: RpcMessage): void => {
    if (message.kind === 'result') inFlight.delete(message.id);
    for (const listener of listeners) listener(message);
  };
  const failInFlight = (error: ErrorInfo): void => {
    for (const id of [...inFlight]) deliver({ kind: 'result', id, ok: false, error });
  };

  const link: ElectronEngineLink = {
    send: (message) => {
      if (stopped) {
        const error = stopped;
        if (message.kind === 'call') queueMicrotask(() => deliver({ kind: 'result', id: message.id, ok: false, error }));
        return;
      }
      port?.postMessage(message); // throws DataCloneError for uncloneable values, failing the call
      if (message.kind === 'call') inFlight.add(message.id);
    },
    onMessage: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onStopped: (listener) => {
      stoppedListeners.add(listener);
      return () => stoppedListeners.delete(listener);
    },
  };

  bridge.onEngineStopped((message) => {
    stopped = { code: 'ENGINE_STOPPED', message };
    failInFlight(stopped);
    port?.close();
    port = null;
    for (const listener of stoppedListeners) listener(message);
    stoppedListeners.clear();
  });

  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`The Membrana engine did not connect within ${timeoutMs / 1000} s (no engine port arrived from the main process).`)),
      timeoutMs,
    );
    target.addEventListener('message', (event: MessageEvent) => {
      const next = event.ports[0];
      if (event.origin !== target.location.origin || !isPortMessage(event.data) || !next) return;
      if (port) {
        failInFlight(event.data.notice.replaces ?? { code: 'ENGINE_RESTARTED', message: 'The connection to the engine was renewed; try again.' });
        port.close();
      }
      port = next;
      next.onmessage = (message: MessageEvent<RpcMessage>) => deliver(message.data);
      clearTimeout(timer);
      resolve(link);
    });
    bridge.requestEnginePort();
  });
}
