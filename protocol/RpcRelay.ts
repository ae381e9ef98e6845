import { isCallName } from './callShapes.js';
import type { ErrorInfo, RpcMessage } from './contract.js';
import type { MessageLink } from './RpcClient.js';

/** One UI connected through a relay: what the relay hands back for each downstream peer. */
export interface RelayPort {
  /** A message from the UI; invalid ones are answered with an error or dropped, never forwarded. */
  receive(message: unknown): void;
  /** The UI went away: its running calls are cancelled. */
  close(): void;
}

/**
 * Connects many UIs (browser tabs, Electron windows) to one engine. Call ids are renumbered so
 * peers cannot see or cancel each other's calls; events go to every peer. Messages from the UI
 * are validated here, since the UI side is the less trusted one.
 */
export class RpcRelay {
  private nextId = 1;
  private readonly routes = new Map<number, { peer: number; id: number }>();
  private readonly peers = new Map<number, (message: RpcMessage) => void>();
  private nextPeer = 1;
  private stop: () => void;

  constructor(private engine: MessageLink) {
    this.stop = engine.onMessage((message) => this.fromEngine(message));
  }

  /**
   * The engine died and a new one took its place: every call in flight fails with `error` (so no
   * UI waits forever), and later calls go to the new engine. The UIs stay connected.
   */
  replaceEngine(engine: MessageLink, error: ErrorInfo): void {
    this.stop();
    for (const [id, route] of this.routes) {
      this.peers.get(route.peer)?.({ kind: 'result', id: route.id, ok: false, error });
      this.routes.delete(id);
    }
    this.engine = engine;
    this.stop = engine.onMessage((message) => this.fromEngine(message));
  }

  connect(send: (message: RpcMessage) => void): RelayPort {
    const peer = this.nextPeer++;
    this.peers.set(peer, send);
    const mine = new Map<number, number>(); // peer's id -> engine id
    return {
      receive: (raw) => {
        const message = raw as { kind?: unknown; id?: unknown; method?: unknown; args?: unknown } | null;
        if (!message || typeof message !== 'object' || typeof message.id !== 'number') return;
        if (message.kind === 'cancel') {
          const id = mine.get(message.id);
          if (id !== undefined) this.engine.send({ kind: 'cancel', id });
          return;
        }
        if (message.kind !== 'call') return;
        if (!isCallName(message.method)) {
          const error: ErrorInfo = { code: 'UNKNOWN_CALL', message: `Unknown engine call "${String(message.method)}".` };
          send({ kind: 'result', id: message.id, ok: false, error });
          return;
        }
        const id = this.nextId++;
        mine.set(message.id, id);
        this.routes.set(id, { peer, id: message.id });
        this.engine.send({ kind: 'call', id, method: message.method, args: message.args });
      },
      close: () => {
        this.peers.delete(peer);
        for (const id of mine.values()) {
          if (this.routes.delete(id)) this.engine.send({ kind: 'cancel', id });
        }
      },
    };
  }

  dispose(): void {
    this.stop();
    this.peers.clear();
    this.routes.clear();
  }

  private fromEngine(message: RpcMessage): void {
    if (message.kind === 'event') {
      for (const send of this.peers.values()) send(message);
      return;
    }
    if (message.kind !== 'result' && message.kind !== 'progress') return;
    const route = this.routes.get(message.id);
    if (!route) return;
    if (message.kind === 'result') this.routes.delete(message.id);
    this.peers.get(route.peer)?.({ ...message, id: route.id });
  }
}
