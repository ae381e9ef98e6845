import WebSocket from 'ws';
import type { RpcMessage } from '../protocol/contract.js';
import { createEngineClient, type MessageLink } from '../protocol/RpcClient.js';
import { decodeFrame, encodeFrame } from '../protocol/wire.js';

export type EngineConnection = ReturnType<typeof createEngineClient>;

/**
 * A Node client of a serve-mode engine, as the browser's connectEngine makes one: the printed
 * address's token goes in the socket's query (a script sends no Origin, which the host allows).
 * When the socket closes (the server was killed), every call still waiting fails with
 * DISCONNECTED, so a kill trial knows exactly which calls were never answered.
 */
export async function connectServe(printedUrl: string): Promise<{ engine: EngineConnection; closed: Promise<void>; close(): void }> {
  const url = new URL(printedUrl);
  const token = url.searchParams.get('token');
  if (!token) throw new Error(`The serve address ${printedUrl} carries no ?token=; the engine would refuse the socket.`);
  const socket = new WebSocket(`ws://${url.host}/engine?token=${encodeURIComponent(token)}`, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', (error) => reject(new Error(`Cannot open the engine socket at ${url.host}: ${error.message}`)));
    socket.once('unexpected-response', (_request, response) => reject(new Error(`The engine at ${url.host} refused the socket (HTTP ${response.statusCode}).`)));
  });
  const listeners = new Set<(message: RpcMessage) => void>();
  socket.on('message', (data: WebSocket.RawData, isBinary) => {
    if (!isBinary) return;
    const bytes = Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data;
    const message = decodeFrame(bytes) as RpcMessage;
    for (const listener of listeners) listener(message);
  });
  const link: MessageLink = {
    send: (message) => socket.send(encodeFrame(message)),
    onMessage: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const engine = createEngineClient(link);
  const closed = new Promise<void>((resolve) => {
    socket.once('close', () => {
      engine.dispose();
      resolve();
    });
  });
  socket.on('error', () => undefined); // a killed server resets the socket; 'close' follows
  return { engine, closed, close: () => socket.close() };
}
