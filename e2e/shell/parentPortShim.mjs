/**
 * Loaded with `node --import` into a forked engine (see forkEngine.ts): gives it the
 * `process.parentPort` of an Electron utility process, and MessagePortMain-like ports, over Node's
 * child-process IPC (advanced serialization, so buffers and typed arrays arrive as such).
 *
 * IPC messages: {t:'parent', data, ports:[n...]} to the child; {t:'parent', data} from it;
 * {t:'port', n, data} both ways; {t:'close', n} both ways.
 */
import { EventEmitter } from 'node:events';

if (!process.send) throw new Error('parentPortShim.mjs must run in a child forked with an IPC channel.');
const ports = new Map();

class ShimPort extends EventEmitter {
  constructor(n) {
    super();
    this.n = n;
    this.closed = false;
    this.queue = []; // as MessagePortMain: messages wait for start()
  }
  receive(data) {
    if (this.queue) this.queue.push(data);
    else this.emit('message', { data, ports: [] });
  }
  postMessage(data) {
    if (!this.closed) process.send({ t: 'port', n: this.n, data });
  }
  start() {
    const queued = this.queue ?? [];
    this.queue = null;
    for (const data of queued) this.emit('message', { data, ports: [] });
  }
  close() {
    if (this.closed) return;
    this.closed = true;
    ports.delete(this.n);
    process.send({ t: 'close', n: this.n });
    this.emit('close');
  }
}

// As Electron's parentPort: messages wait until a 'message' handler is registered.
const parentPort = new EventEmitter();
const early = [];
parentPort.postMessage = (data) => process.send({ t: 'parent', data });
parentPort.on('newListener', (event) => {
  if (event === 'message') setImmediate(() => early.splice(0).forEach((message) => parentPort.emit('message', message)));
});
const deliver = (message) => (parentPort.listenerCount('message') > 0 ? parentPort.emit('message', message) : early.push(message));
Object.defineProperty(process, 'parentPort', { value: parentPort });

process.on('message', (message) => {
  if (message.t === 'parent') {
    const given = (message.ports ?? []).map((n) => {
      const port = new ShimPort(n);
      ports.set(n, port);
      return port;
    });
    deliver({ data: message.data, ports: given });
  } else if (message.t === 'port') {
    ports.get(message.n)?.receive(message.data);
  } else if (message.t === 'close') {
    const port = ports.get(message.n);
    if (port && !port.closed) {
      port.closed = true;
      ports.delete(message.n);
      port.emit('close');
    }
  }
});
// An Electron utility process ends with its parent; so does this one.
process.on('disconnect', () => process.exit(0));
