import { afterEach, describe, expect, it } from 'vitest';
import type { RpcMessage } from '../../../protocol/contract.js';
import type { ElectronBridge, EnginePortMessage } from '../../../protocol/electronBridge.js';
import { createEngineClient } from '../../../protocol/RpcClient.js';
import { connectElectronEngine } from './electronEngineLink.js';

const ORIGIN = 'app://membrana';
const opened: MessagePort[] = [];
afterEach(() => opened.splice(0).forEach((port) => port.close()));

/** The page's window and the preload's bridge; `givePort` plays main handing over a port. */
function desktop() {
  const target = Object.assign(new EventTarget(), { location: { origin: ORIGIN } }) as unknown as Window;
  const stopped = new Set<(message: string) => void>();
  let requests = 0;
  const bridge: ElectronBridge = {
    requestEnginePort: () => void requests++,
    onEngineStopped: (listener) => {
      stopped.add(listener);
      return () => stopped.delete(listener);
    },
    showOpenDialog: async () => null,
    onOpenPath: () => () => undefined,
    onMenu: () => () => undefined,
  };
  /** Hands the page a port; returns the engine's end, which records calls. */
  const givePort = (replaces: EnginePortMessage['notice']['replaces'] = null, origin = ORIGIN) => {
    const { port1, port2 } = new MessageChannel();
    opened.push(port1, port2);
    const calls: RpcMessage[] = [];
    port2.onmessage = (event: MessageEvent<RpcMessage>) => calls.push(event.data);
    const data: EnginePortMessage = { type: 'membrana:engine-port', notice: { replaces } };
    target.dispatchEvent(new MessageEvent('message', { data, origin, ports: [port1] }));
    return { engine: port2, calls };
  };
  return { target, bridge, givePort, stop: (message: string) => stopped.forEach((l) => l(message)), requests: () => requests };
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 10));

describe('connectElectronEngine', () => {
  it('asks main for a port, and carries calls and results over it', async () => {
    const d = desktop();
    const linking = connectElectronEngine(d.bridge, d.target);
    expect(d.requests()).toBe(1);
    d.givePort(null, 'https://example.org'); // another origin's message is ignored
    const { engine, calls } = d.givePort();
    const client = createEngineClient(await linking);
    const hello = client.hello({});
    await tick();
    expect(calls).toEqual([{ kind: 'call', id: 1, method: 'hello', args: {} }]);
    engine.postMessage({ kind: 'result', id: 1, ok: true, value: { version: '1', host: 'electron', startupPath: null } });
    await expect(hello).resolves.toMatchObject({ host: 'electron' });
  });

  it('fails a call whose arguments hold a Svelte state proxy at once, as Electron’s port would', async () => {
    const d = desktop();
    const linking = connectElectronEngine(d.bridge, d.target);
    const { calls } = d.givePort();
    const client = createEngineClient(await linking);
    // What `$state` makes in the browser build: a Proxy (the unit tests' server build of Svelte makes none).
    const voxelSize = new Proxy({ x: 4, y: 4, z: 50, unit: 'nm' }, {});
    await expect(client.setVoxelSize({ projectId: 'p', voxelSize })).rejects.toThrow(/could not be cloned/);
    void client.setVoxelSize({ projectId: 'p', voxelSize: { ...voxelSize } }); // a plain copy goes through
    await tick();
    expect(calls.map((c) => (c.kind === 'call' ? c.method : c.kind))).toEqual(['setVoxelSize']);
  });

  it('fails the calls in flight with the notice when a restarted engine’s port replaces the old one', async () => {
    const d = desktop();
    const linking = connectElectronEngine(d.bridge, d.target);
    d.givePort();
    const client = createEngineClient(await linking);
    const stuck = client.hello({});
    await tick();
    const { engine, calls } = d.givePort({ code: 'ENGINE_RESTARTED', message: 'The engine stopped (exit code 9) and was restarted.' });
    await expect(stuck).rejects.toMatchObject({ code: 'ENGINE_RESTARTED', message: expect.stringContaining('exit code 9') });
    const next = client.hello({});
    await tick();
    expect(calls).toEqual([{ kind: 'call', id: 2, method: 'hello', args: {} }]);
    engine.postMessage({ kind: 'result', id: 2, ok: true, value: { version: '1', host: 'electron', startupPath: null } });
    await expect(next).resolves.toMatchObject({ host: 'electron' });
  });

  it('when the engine stopped for good: fails calls in flight and later ones, and tells the listener', async () => {
    const d = desktop();
    const linking = connectElectronEngine(d.bridge, d.target);
    d.givePort();
    const link = await linking;
    const client = createEngineClient(link);
    const reasons: string[] = [];
    link.onStopped((reason) => reasons.push(reason));
    const stuck = client.hello({});
    d.stop('The Membrana engine stopped 4 times in a row.');
    await expect(stuck).rejects.toMatchObject({ code: 'ENGINE_STOPPED' });
    await expect(client.hello({})).rejects.toMatchObject({ code: 'ENGINE_STOPPED', message: expect.stringContaining('4 times') });
    expect(reasons).toEqual(['The Membrana engine stopped 4 times in a row.']);
  });

  it('says so when no port arrives', async () => {
    const d = desktop();
    await expect(connectElectronEngine(d.bridge, d.target, 50)).rejects.toThrow(/did not connect within 0.05 s/);
  });
});
