import type { RpcMessage } from '../../protocol/contract.js';
import type { MessageLink } from '../../protocol/RpcClient.js';
import { collectTransferables } from '../../protocol/wire.js';

/** The part of a worker_threads MessagePort / Worker that a link needs. */
export interface PortLike {
  postMessage(message: unknown, transfer?: readonly ArrayBuffer[]): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

/** A MessageLink over a worker_threads port; buffers in messages are transferred, not copied. */
export function portLink(port: PortLike): MessageLink {
  return {
    send: (message) => port.postMessage(message, collectTransferables(message)),
    onMessage: (listener) => {
      const handler = (message: unknown): void => listener(message as RpcMessage);
      port.on('message', handler);
      return () => port.off('message', handler);
    },
  };
}
