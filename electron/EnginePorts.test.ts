import type { MessagePortMain } from 'electron';
import { describe, expect, it } from 'vitest';
import type { EngineControlMessage } from '../protocol/electronBridge.js';
import { EnginePorts, type EngineEnd, type PageEnd } from './EnginePorts.js';

/** Ports are only handed on here, so a labelled object stands for each end. */
function channels(): () => { port1: MessagePortMain; port2: MessagePortMain } {
  let n = 0;
  return () => {
    n++;
    return { port1: { name: `page end ${n}` } as unknown as MessagePortMain, port2: { name: `engine end ${n}` } as unknown as MessagePortMain };
  };
}

function engine(): EngineEnd & { got: { message: EngineControlMessage; ports: unknown[] }[] } {
  const got: { message: EngineControlMessage; ports: unknown[] }[] = [];
  return { got, postMessage: (message, transfer = []) => void got.push({ message, ports: transfer }) };
}

function page(id: number): PageEnd & { got: { channel: string; message: unknown; ports: unknown[] }[]; destroyed: boolean } {
  const got: { channel: string; message: unknown; ports: unknown[] }[] = [];
  const end = {
    id,
    got,
    destroyed: false,
    isDestroyed: () => end.destroyed,
    postMessage: (channel: string, message: unknown, transfer: unknown[] = []) => void got.push({ channel, message, ports: transfer }),
  };
  return end;
}

const portName = (port: unknown): string => (port as { name: string }).name;

describe('EnginePorts', () => {
  it('gives each page that asks the two ends of a fresh channel, one to it and one to the engine', () => {
    const ports = new EnginePorts(channels());
    const e = engine();
    ports.engineStarted(e, null);
    const a = page(7);
    ports.connect(a);
    ports.connect(a); // a reload asks again: a new channel, replacing the client's old one in the engine
    expect(e.got.map((g) => [g.message, g.ports.map(portName)])).toEqual([
      [{ kind: 'connect', client: '7' }, ['engine end 1']],
      [{ kind: 'connect', client: '7' }, ['engine end 2']],
    ]);
    expect(a.got.map((g) => [g.channel, g.message, g.ports.map(portName)])).toEqual([
      ['membrana:engine-port', { replaces: null }, ['page end 1']],
      ['membrana:engine-port', { replaces: null }, ['page end 2']],
    ]);
  });

  it('tells the engine to drop a page that went away, once', () => {
    const ports = new EnginePorts(channels());
    const e = engine();
    ports.engineStarted(e, null);
    ports.connect(page(3));
    ports.disconnect(3);
    ports.disconnect(3);
    expect(e.got.map((g) => g.message)).toEqual([
      { kind: 'connect', client: '3' },
      { kind: 'disconnect', client: '3' },
    ]);
    expect(ports.connectedPages).toEqual([]);
  });

  it('waits for an engine while none runs, then gives every live page a port with the restart notice', () => {
    const ports = new EnginePorts(channels());
    const first = engine();
    ports.engineStarted(first, null);
    const a = page(1);
    const b = page(2);
    ports.connect(a);
    ports.connect(b);
    ports.engineStopped();
    const c = page(3);
    ports.connect(c); // asks while the engine is down: no port yet
    expect(c.got).toEqual([]);
    b.destroyed = true;
    const second = engine();
    const notice = { code: 'ENGINE_RESTARTED', message: 'The engine stopped (exit code 9) and was restarted.' };
    ports.engineStarted(second, notice);
    expect(second.got.map((g) => g.message)).toEqual([
      { kind: 'connect', client: '1' },
      { kind: 'connect', client: '3' },
    ]);
    expect(a.got.at(-1)?.message).toEqual({ replaces: notice });
    expect(c.got.at(-1)?.message).toEqual({ replaces: notice });
    expect(b.got).toHaveLength(1);
    expect(ports.connectedPages).toEqual([1, 3]);
  });
});
