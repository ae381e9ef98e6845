/**
 * Electron utility-process entry: the engine for the desktop app. It imports nothing from
 * electron; `process.parentPort` is provided by the utility process runtime.
 */
import type { RpcMessage } from '../../protocol/contract.js';
import { EngineService } from '../EngineService.js';
import { serveRpc } from './RpcServer.js';

interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  off(event: 'message', listener: (event: { data: unknown }) => void): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (!parentPort) throw new Error('utilityProcess.js must run as an Electron utility process.');
const startupArg = process.argv.find((arg) => arg.startsWith('--startup-path='));
const service = new EngineService({
  host: 'electron',
  startupPath: startupArg ? startupArg.slice('--startup-path='.length) : null,
});
serveRpc(
  {
    send: (message) => parentPort.postMessage(message),
    onMessage: (listener) => {
      const handler = (event: { data: unknown }): void => listener(event.data as RpcMessage);
      parentPort.on('message', handler);
      return () => parentPort.off('message', handler);
    },
  },
  service.handlers,
);
