import { describe, expect, it } from 'vitest';
import type { EngineHandlers, RpcMessage } from '../../protocol/contract.js';
import { createEngineClient, EngineError, type MessageLink } from '../../protocol/RpcClient.js';
import { RpcRelay } from '../../protocol/RpcRelay.js';
import { serveRpc } from './RpcServer.js';

/** Two ends of an in-memory channel, delivering asynchronously like a real port. */
function pipe(): [MessageLink, MessageLink] {
  const sides = [new Set<(m: RpcMessage) => void>(), new Set<(m: RpcMessage) => void>()] as const;
  const end = (mine: 0 | 1): MessageLink => ({
    send: (message) => queueMicrotask(() => sides[1 - mine]!.forEach((l) => l(structuredClone(message)))),
    onMessage: (listener) => {
      sides[mine].add(listener);
      return () => sides[mine].delete(listener);
    },
  });
  return [end(0), end(1)];
}

function fakeHandlers(): EngineHandlers & { cancelled: number } {
  const state = { cancelled: 0 };
  return Object.assign(state, {
    hello: async () => ({ version: '1', host: 'test' as const, startupPath: null, projectsDir: '/tmp/projects' }),
    openSample: async (_args: unknown, ctx: { progress: (p: { stage: string; fraction: number }) => void }) => {
      ctx.progress({ stage: 'reading', fraction: 0.5 });
      return { id: 'v', name: 'sample' } as never;
    },
    openPath: async ({ path }: { path: string }) => {
      throw Object.assign(new Error(`${path} does not exist`), { code: 'ENOENT', file: path, hint: 'Check the path.' });
    },
    openFiles: async () => ({}) as never,
    getSlice: async ({ z }: { z: number }) => ({ volumeId: 'v', z, width: 2, height: 1, dtype: 'uint8' as const, data: new Uint8Array([z, z + 1]).buffer }),
    closeVolume: (_args: unknown, ctx: { signal: AbortSignal }) =>
      new Promise<null>((_resolve, reject) => ctx.signal.addEventListener('abort', () => { state.cancelled++; reject(new Error('aborted')); })),
  }) as unknown as EngineHandlers & { cancelled: number };
}

describe('client ⇄ relay ⇄ server', () => {
  it('carries results, binary data, progress and typed errors for two clients independently', async () => {
    const [engineSide, relaySide] = pipe();
    serveRpc(engineSide, fakeHandlers());
    const relay = new RpcRelay(relaySide);
    const clients = [0, 1].map(() => {
      const [uiSide, peerSide] = pipe();
      const port = relay.connect((m) => peerSide.send(m));
      peerSide.onMessage((m) => port.receive(m));
      return createEngineClient(uiSide);
    });
    const [a, b] = clients as [ReturnType<typeof createEngineClient>, ReturnType<typeof createEngineClient>];
    const [sa, sb] = await Promise.all([a.getSlice({ volumeId: 'v', z: 3 }), b.getSlice({ volumeId: 'v', z: 5 })]);
    expect(Array.from(new Uint8Array(sa.data))).toEqual([3, 4]);
    expect(Array.from(new Uint8Array(sb.data))).toEqual([5, 6]);

    const stages: string[] = [];
    await a.openSample({}, { onProgress: (p) => stages.push(p.stage) });
    expect(stages).toEqual(['reading']);

    const error = await a.openPath({ path: '/nope.tif' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect(error).toMatchObject({ code: 'ENOENT', file: '/nope.tif', hint: 'Check the path.' });
  });

  it('cancels through an AbortSignal and when the UI disconnects', async () => {
    const [engineSide, relaySide] = pipe();
    const handlers = fakeHandlers();
    serveRpc(engineSide, handlers);
    const relay = new RpcRelay(relaySide);
    const [uiSide, peerSide] = pipe();
    const port = relay.connect((m) => peerSide.send(m));
    peerSide.onMessage((m) => port.receive(m));
    const client = createEngineClient(uiSide);

    const controller = new AbortController();
    const pending = client.closeVolume({ volumeId: 'v' }, { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(handlers.cancelled).toBe(1);

    void client.closeVolume({ volumeId: 'v' }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 5));
    port.close();
    await new Promise((r) => setTimeout(r, 5));
    expect(handlers.cancelled).toBe(2);
  });

  it('refuses calls that are not in the contract', async () => {
    const [engineSide, relaySide] = pipe();
    serveRpc(engineSide, fakeHandlers());
    const relay = new RpcRelay(relaySide);
    const replies: RpcMessage[] = [];
    const port = relay.connect((m) => replies.push(m));
    port.receive({ kind: 'call', id: 1, method: 'readAnyFile', args: {} });
    port.receive({ kind: 'call', id: 'x', method: 'hello', args: {} });
    port.receive(null);
    await new Promise((r) => setTimeout(r, 5));
    expect(replies).toEqual([{ kind: 'result', id: 1, ok: false, error: expect.objectContaining({ code: 'UNKNOWN_CALL' }) }]);
  });

  it('refuses malformed arguments before a handler runs, naming the field', async () => {
    const [engineSide, relaySide] = pipe();
    const handlers = fakeHandlers();
    let ran = 0;
    handlers.openPath = async () => {
      ran++;
      return {} as never;
    };
    serveRpc(engineSide, handlers);
    const relay = new RpcRelay(relaySide);
    const replies: RpcMessage[] = [];
    const port = relay.connect((m) => replies.push(m));
    const bad: [string, unknown, RegExp][] = [
      ['openPath', null, /openPath: args must be an object, not null/],
      ['openPath', { path: 42 }, /args\.path must be a string, not 42/],
      ['openPath', { path: '/x', extra: true }, /unknown field "extra"/],
      ['getSlice', { volumeId: 'v', z: -1 }, /args\.z must be a whole number/],
      ['paint', { projectId: 'p', z: 0, indices: [1, 2], value: 1, tool: 'brush' }, /args\.indices must be a Uint32Array, not a list/],
      ['editSegments', { projectId: 'p', operation: { kind: 'explode' } }, /operation\.kind must be one of "merge"/],
      ['hello', { anything: 1 }, /args must be empty/],
    ];
    bad.forEach(([method, args], i) => port.receive({ kind: 'call', id: i + 1, method, args }));
    port.receive({ kind: 'call', id: 99, method: 'openPath', args: { path: '/x' } });
    await new Promise((r) => setTimeout(r, 10));
    bad.forEach(([, , message], i) => {
      const reply = replies.find((r) => r.kind === 'result' && r.id === i + 1);
      expect(reply).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENTS', message: expect.stringMatching(message) } });
    });
    expect(ran).toBe(1); // only the well-formed call reached its handler
  });

  it('fails calls in flight when the engine is replaced, and serves later calls from the new one', async () => {
    const [deadSide, relaySide] = pipe();
    deadSide.onMessage(() => undefined); // an engine that never answers
    const relay = new RpcRelay(relaySide);
    const [uiSide, peerSide] = pipe();
    const port = relay.connect((m) => peerSide.send(m));
    peerSide.onMessage((m) => port.receive(m));
    const client = createEngineClient(uiSide);
    const stuck = client.hello({});
    await new Promise((r) => setTimeout(r, 5));
    const [engineSide, newRelaySide] = pipe();
    serveRpc(engineSide, fakeHandlers());
    relay.replaceEngine(newRelaySide, { code: 'ENGINE_RESTARTED', message: 'The engine stopped and was restarted.' });
    await expect(stuck).rejects.toMatchObject({ code: 'ENGINE_RESTARTED' });
    await expect(client.hello({})).resolves.toMatchObject({ host: 'test' });
  });
});
