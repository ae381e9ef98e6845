import { describe, expect, it } from 'vitest';
import type { EngineHandlers, RpcMessage } from '../../protocol/contract.js';
import type { EngineEventSource } from '../service/EngineService.js';
import { serveRpc } from './RpcServer.js';

describe('serveRpc and the engine events', () => {
  it('sends each engine event to its link until it is disposed', () => {
    const sent: RpcMessage[] = [];
    const listeners = new Set<Parameters<EngineEventSource>[0]>();
    const events: EngineEventSource = (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    };
    const server = serveRpc({ send: (message) => sent.push(message), onMessage: () => () => undefined }, {} as EngineHandlers, events);
    for (const listener of listeners) listener('predicted', { projectId: 'p', model: 'v2', z: 7 });
    expect(sent).toEqual([{ kind: 'event', name: 'predicted', payload: { projectId: 'p', model: 'v2', z: 7 } }]);
    server.dispose();
    expect(listeners.size).toBe(0);
  });
});
