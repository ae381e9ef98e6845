import { EventEmitter } from 'node:events';

/**
 * A MessagePortMain for tests that run without Electron: messages are structured-cloned (as
 * Electron's are) and delivered asynchronously to the peer; closing either end closes both.
 */
export class StandInPort extends EventEmitter {
  peer: StandInPort | null = null;
  closed = false;

  postMessage(message: unknown, transfer: unknown[] = []): void {
    if (transfer.length > 0) throw new Error('StandInPort carries no transferred ports.');
    const peer = this.peer;
    if (this.closed || !peer) return;
    const data = structuredClone(message); // throws DataCloneError where Electron's would fail too
    setImmediate(() => {
      if (!peer.closed) peer.emit('message', { data, ports: [] });
    });
  }

  start(): void {}

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close');
    this.peer?.close();
  }
}

/** Electron's MessageChannelMain, made of StandInPorts. */
export class StandInChannel {
  readonly port1 = new StandInPort();
  readonly port2 = new StandInPort();
  constructor() {
    this.port1.peer = this.port2;
    this.port2.peer = this.port1;
  }
}
