import { isCallName } from './callShapes.js';
import type { ErrorInfo, RpcMessage } from './contract.js';
import type { MessageLink } from './RpcClient.js';

/** One UI connected through a relay: what the relay hands back for each downstream peer. */
export interface RelayPort {
  /** A message from the UI; invalid ones are answered with an error or dropped, never forwarded. */
  receive(message: unknown): void;
  /** The UI went away: its running calls are cancelled. */
  close(): void;
  /** This peer's calls still waiting for their result (for tests and diagnostics). */
  openCalls(): number;
}

interface Route {
  peer: number;
  id: number;
  open: Map<number, number>;
}

/**
 * Connects many UIs (browser tabs, Electron windows) to one engine. Call ids are renumbered so
 * peers cannot see or cancel each other's calls; events go to every peer. Messages from the UI
 * are validated here, since the UI side is the less trusted one.
 */
export class RpcRelay {
  private nextId = 1;
  /** Engine id -> the peer's id for it, and the peer's open-call map to prune when it ends. */
  private readonly routes = new Map<number, Route>();
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
      this.end(id, route);
    }
    this.engine = engine;
    this.stop = engine.onMessage((message) => this.fromEngine(message));
  }

  connect(send: (message: RpcMessage) => void): RelayPort {
    const peer = this.nextPeer++;
    this.peers.set(peer, send);
    // The peer's ids of its calls in flight -> engine ids; an entry goes when its result does.
    const mine = new Map<number, number>();
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
        this.routes.set(id, { peer, id: message.id, open: mine });
        this.engine.send({ kind: 'call', id, method: message.method, args: message.args });
      },
      close: () => {
        this.peers.delete(peer);
        for (const id of mine.values()) {
          if (this.routes.delete(id)) this.engine.send({ kind: 'cancel', id });
        }
        mine.clear();
      },
      openCalls: () => mine.size,
    };
  }

  /** Forgets a finished call on both sides, so a long session keeps no entry per call. */
  private end(engineId: number, route: Route): void {
    this.routes.delete(engineId);
    // A peer that reused an id while its first call ran has a newer entry there: keep that one.
    if (route.open.get(route.id) === engineId) route.open.delete(route.id);
  }

  /** Calls the engine has not answered yet, over all peers. */
  get openCalls(): number {
    return this.routes.size;
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
    if (message.kind === 'result') this.end(message.id, route);
    this.peers.get(route.peer)?.({ ...message, id: route.id });
  }
}
