import {
  type CallName,
  type CallOptions,
  type EngineClient,
  type EngineEvents,
  type ErrorInfo,
  type EventName,
  type Progress,
  type RpcMessage,
} from './contract.js';
import { CALL_SHAPES } from './callShapes.js';

/** Anything that carries RpcMessages both ways: a WebSocket, a worker, the Electron bridge. */
export interface MessageLink {
  send(message: RpcMessage): void;
  onMessage(listener: (message: RpcMessage) => void): () => void;
}

/** An engine error as the caller sees it, with the file(s) and hint the engine gave. */
export class EngineError extends Error {
  readonly code: string;
  readonly file: string | undefined;
  readonly files: string[] | undefined;
  readonly hint: string | undefined;
  constructor(info: ErrorInfo) {
    super(info.message);
    this.name = 'EngineError';
    this.code = info.code;
    this.file = info.file;
    this.files = info.files;
    this.hint = info.hint;
  }
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  onProgress?: (progress: Progress) => void;
  cleanup(): void;
}

/**
 * The typed client of the contract over any MessageLink: one async method per call, with
 * cancellation through AbortSignal and progress callbacks.
 */
export function createEngineClient(link: MessageLink): EngineClient & { dispose(): void } {
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const listeners = new Map<EventName, Set<(payload: never) => void>>();

  const stop = link.onMessage((message) => {
    if (message.kind === 'event') {
      for (const listener of listeners.get(message.name) ?? []) listener(message.payload as never);
      return;
    }
    if (message.kind !== 'result' && message.kind !== 'progress') return;
    const call = pending.get(message.id);
    if (!call) return;
    if (message.kind === 'progress') {
      call.onProgress?.(message.progress);
      return;
    }
    pending.delete(message.id);
    call.cleanup();
    if (message.ok) call.resolve(message.value);
    else call.reject(new EngineError(message.error));
  });

  function call(method: CallName, args: unknown, options: CallOptions = {}): Promise<unknown> {
    const { signal, onProgress } = options;
    if (signal?.aborted) return Promise.reject(cancelled(method));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = (): void => link.send({ kind: 'cancel', id });
      signal?.addEventListener('abort', onAbort, { once: true });
      pending.set(id, {
        resolve,
        reject,
        onProgress,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      });
      link.send({ kind: 'call', id, method, args });
    });
  }

  const client = {
    on<E extends EventName>(event: E, listener: (payload: EngineEvents[E]) => void): () => void {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: never) => void);
      return () => set.delete(listener as (payload: never) => void);
    },
    dispose(): void {
      stop();
      for (const [id, call] of pending) {
        call.cleanup();
        call.reject(new EngineError({ code: 'DISCONNECTED', message: `The engine connection closed before call ${id} finished.` }));
      }
      pending.clear();
    },
  } as EngineClient & { dispose(): void };
  for (const method of Object.keys(CALL_SHAPES) as CallName[]) {
    (client as unknown as Record<string, unknown>)[method] = (args: unknown, options?: CallOptions) =>
      call(method, args, options);
  }
  return client;
}

function cancelled(method: string): EngineError {
  return new EngineError({ code: 'CANCELLED', message: `${method} was cancelled.` });
}
