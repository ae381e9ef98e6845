import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StandInPort } from './StandInPort.js';

const SHIM = path.join(path.dirname(fileURLToPath(import.meta.url)), 'parentPortShim.mjs');

type IpcMessage = { t: 'parent'; data: unknown; ports?: number[] } | { t: 'port'; n: number; data: unknown } | { t: 'close'; n: number };

/**
 * Electron's UtilityProcess for tests without Electron: the engine entry (build/engine/host/
 * utilityProcess.js) runs in a real forked Node process whose `process.parentPort` and ports come
 * from parentPortShim.mjs. Ports given to postMessage are carried over the IPC channel.
 */
export class ForkedEngine extends EventEmitter {
  readonly child: ChildProcess;
  private readonly ports = new Map<number, StandInPort>();
  private nextPort = 1;
  output = '';

  constructor(modulePath: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) {
    super();
    this.child = fork(modulePath, args, {
      env: { ...process.env, ...env },
      execArgv: ['--import', SHIM],
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.on('message', (message: IpcMessage) => this.fromChild(message));
    this.child.once('spawn', () => this.emit('spawn'));
    this.child.once('exit', (code, signal) => {
      for (const port of this.ports.values()) port.close();
      this.ports.clear();
      // Electron reports a killed utility process with a code too; a signal is not a number.
      this.emit('exit', code ?? (signal ? 128 : 0));
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  postMessage(message: unknown, transfer: StandInPort[] = []): void {
    const numbers = transfer.map((port) => {
      const n = this.nextPort++;
      this.ports.set(n, port);
      // `port` is now the engine's end: what its peer sends goes to the engine, and back.
      port.on('message', (event: { data: unknown }) => this.send({ t: 'port', n, data: event.data }));
      port.on('close', () => {
        if (this.ports.delete(n)) this.send({ t: 'close', n });
      });
      return n;
    });
    this.send({ t: 'parent', data: message, ports: numbers });
  }

  kill(): boolean {
    return this.child.kill('SIGKILL');
  }

  private send(message: IpcMessage): void {
    if (this.child.connected) this.child.send(message);
  }

  private fromChild(message: IpcMessage): void {
    if (message.t === 'port') {
      const port = this.ports.get(message.n);
      // The engine's reply leaves through this end towards its peer (the page).
      if (port?.peer && !port.peer.closed) port.peer.emit('message', { data: message.data, ports: [] });
    } else if (message.t === 'close') {
      const port = this.ports.get(message.n);
      this.ports.delete(message.n);
      port?.close();
    } else this.emit('message', message.data);
  }
}
