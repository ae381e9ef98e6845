import { describe, expect, it } from 'vitest';
import type { RpcMessage } from './contract.js';
import type { MessageLink } from './RpcClient.js';
import { RpcRelay } from './RpcRelay.js';

/** An engine end that records what reaches it and answers when told to. */
function recordingEngine(): MessageLink & { received: RpcMessage[]; answer(id: number): void; progress(id: number): void } {
  const listeners = new Set<(message: RpcMessage) => void>();
  const received: RpcMessage[] = [];
  return {
    received,
    send: (message) => received.push(message),
    onMessage: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    answer: (id) => listeners.forEach((l) => l({ kind: 'result', id, ok: true, value: id })),
    progress: (id) => listeners.forEach((l) => l({ kind: 'progress', id, progress: { stage: 'x', fraction: 0.5 } })),
  };
}

const call = (id: number): RpcMessage => ({ kind: 'call', id, method: 'hello', args: {} });

describe('RpcRelay bookkeeping', () => {
  it('forgets every call once its result is relayed, so a long session keeps no entry per call', () => {
    const engine = recordingEngine();
    const relay = new RpcRelay(engine);
    const replies: RpcMessage[] = [];
    const port = relay.connect((m) => replies.push(m));
    for (let id = 1; id <= 1000; id++) port.receive(call(id));
    expect(port.openCalls()).toBe(1000);
    expect(relay.openCalls).toBe(1000);
    for (const sent of engine.received) {
      if (sent.kind !== 'call') continue;
      engine.progress(sent.id); // progress keeps the call open
      engine.answer(sent.id);
    }
    expect(replies.filter((r) => r.kind === 'result')).toHaveLength(1000);
    expect(port.openCalls()).toBe(0);
    expect(relay.openCalls).toBe(0);
  });

  it('cancels nothing for a finished call: a late cancel of an answered id does not reach the engine', () => {
    const engine = recordingEngine();
    const relay = new RpcRelay(engine);
    const port = relay.connect(() => undefined);
    port.receive(call(7));
    engine.answer(1);
    port.receive({ kind: 'cancel', id: 7 });
    expect(engine.received.filter((m) => m.kind === 'cancel')).toEqual([]);
  });

  it('keeps the newer entry when a peer reuses an id whose first call is still running', () => {
    const engine = recordingEngine();
    const relay = new RpcRelay(engine);
    const replies: RpcMessage[] = [];
    const port = relay.connect((m) => replies.push(m));
    port.receive(call(5)); // engine id 1
    port.receive(call(5)); // engine id 2, same peer id
    engine.answer(1);
    expect(port.openCalls()).toBe(1);
    port.receive({ kind: 'cancel', id: 5 });
    expect(engine.received.at(-1)).toEqual({ kind: 'cancel', id: 2 });
    engine.answer(2);
    expect(port.openCalls()).toBe(0);
  });

  it('prunes on engine replacement and on close', () => {
    const engine = recordingEngine();
    const relay = new RpcRelay(engine);
    const a = relay.connect(() => undefined);
    const b = relay.connect(() => undefined);
    a.receive(call(1));
    b.receive(call(1));
    relay.replaceEngine(recordingEngine(), { code: 'ENGINE_RESTARTED', message: 'restarted' });
    expect([a.openCalls(), b.openCalls(), relay.openCalls]).toEqual([0, 0, 0]);
    a.receive(call(2));
    a.close();
    expect([a.openCalls(), relay.openCalls]).toEqual([0, 0]);
  });
});
