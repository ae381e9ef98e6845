/**
 * Electron utility-process entry: the engine for the desktop app. It imports nothing from
 * electron; `process.parentPort` is provided by the utility process runtime. Each window talks
 * to it over its own MessagePort (handed over by the main process), so slices and strokes go
 * straight between window and engine without passing through the main process.
 */
import type { EngineControlMessage } from '../../protocol/electronBridge.js';
import type { RpcMessage } from '../../protocol/contract.js';
import { logger } from '../base/log.js';
import { EngineService } from '../service/EngineService.js';
import { startEngineLogging } from './engineLogging.js';
import { serveRpc, type RpcServer } from './RpcServer.js';

/** Electron's MessagePortMain, as far as the engine uses it. */
interface PortMain {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  off(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  start(): void;
  close(): void;
}

interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown; ports: PortMain[] }) => void): unknown;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (!parentPort) throw new Error('utilityProcess.js must run as an Electron utility process (process.parentPort is missing).');
const startupArg = process.argv.find((arg) => arg.startsWith('--startup-path='));
const service = new EngineService({
  host: 'electron',
  startupPath: startupArg ? startupArg.slice('--startup-path='.length) : null,
});
startEngineLogging(service, 'electron');
const log = logger('engine');
const clients = new Map<string, { port: PortMain; server: RpcServer }>();

function disconnect(client: string): void {
  const current = clients.get(client);
  if (!current) return;
  clients.delete(client);
  log.debug('Window disconnected', { client });
  current.server.dispose(); // cancels the calls this page started
  current.port.close();
}

function connect(client: string, port: PortMain): void {
  disconnect(client);
  const server = serveRpc(
    {
      // Copied, not transferred: MessagePortMain's transfer list takes ports only
      // (ArrayBuffers crash or lose the message: electron/electron#37565, #34905).
      send: (message) => port.postMessage(message),
      onMessage: (listener) => {
        const handler = (event: { data: unknown }): void => listener(event.data as RpcMessage);
        port.on('message', handler);
        return () => port.off('message', handler);
      },
    },
    service.handlers,
    // Engine events (a slice predicted) go to every window.
    service.events,
  );
  clients.set(client, { port, server });
  log.debug('Window connected', { client });
  port.on('close', () => {
    if (clients.get(client)?.port === port) disconnect(client);
  });
  port.start();
}

parentPort.on('message', (event) => {
  const message = event.data as EngineControlMessage | null;
  if (message?.kind === 'connect' && event.ports[0]) connect(message.client, event.ports[0]);
  else if (message?.kind === 'disconnect') disconnect(message.client);
});
