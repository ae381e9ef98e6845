import { describe, expect, it } from 'vitest';
import { fakeConnection, testVolume } from './testing/fakeEngine.js';
import { Workspace } from './Workspace.svelte.js';

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('Workspace', () => {
  it('opens the sample when no startup path is given', async () => {
    const connection = fakeConnection();
    const workspace = new Workspace(async () => connection);
    await workspace.start();
    expect(workspace.phase).toBe('ready');
    expect(connection.calls).toEqual(['openSample']);
    expect(workspace.volume?.id).toBe('sample');
    expect(workspace.slices.z).toBe(0);
    await settle();
    expect(workspace.slices.slice?.z).toBe(0);
  });

  it('opens the startup path instead of the sample', async () => {
    const stack = testVolume({ id: 'stack', name: 'stack.tif' });
    const connection = fakeConnection({ info: { startupPath: '/data/stack.tif' }, paths: { '/data/stack.tif': stack } });
    const workspace = new Workspace(async () => connection);
    await workspace.start();
    expect(connection.calls).toEqual(['openPath /data/stack.tif']);
    expect(workspace.volume?.name).toBe('stack.tif');
  });

  it('reports an unreachable engine', async () => {
    const workspace = new Workspace(async () => {
      throw new Error('Cannot reach the Membrana engine at ws://x/engine.');
    });
    await workspace.start();
    expect(workspace.phase).toBe('unreachable');
    expect(workspace.unreachableMessage).toMatch(/Cannot reach/);
  });

  it('reports a dropped connection', async () => {
    const connection = fakeConnection();
    const workspace = new Workspace(async () => connection);
    await workspace.start();
    connection.disconnect('The connection to the Membrana engine at ws://x/engine closed.');
    expect(workspace.phase).toBe('disconnected');
    expect(workspace.unreachableMessage).toMatch(/closed/);
  });

  it('drops an error about one slice when the user moves to another, and keeps others', async () => {
    const workspace = new Workspace(async () => fakeConnection());
    await workspace.start();
    workspace.slices.setZ(2);
    workspace.reportError({ title: 'The fill would leak', message: 'The region at (3, 1) on slice 2 is not closed by membrane.', slice: 2 });
    workspace.slices.setZ(2); // staying put keeps it
    expect(workspace.error?.title).toBe('The fill would leak');
    workspace.slices.step(1);
    expect(workspace.error).toBeNull();
    workspace.reportError({ title: 'The brush on slice 3 was not applied', message: 'Slice 3 could not be loaded.' });
    workspace.slices.step(1);
    expect(workspace.error?.title).toBe('The brush on slice 3 was not applied');
  });

  it('keeps the open volume when opening another fails, and names the file', async () => {
    const workspace = new Workspace(async () => fakeConnection());
    await workspace.start();
    workspace.slices.setZ(3);
    await workspace.openPath('/nonexistent.tif');
    expect(workspace.volume?.id).toBe('sample');
    expect(workspace.slices.z).toBe(3);
    expect(workspace.opening).toBeNull();
    expect(workspace.error).toEqual({
      title: 'Could not open /nonexistent.tif',
      message: '/nonexistent.tif does not exist.',
      hint: 'Check the path and try again.',
      code: 'ENOENT',
    });
    workspace.dismissError();
    expect(workspace.error).toBeNull();
  });

  it('replaces the volume on success: slice 0, fitted, old one closed', async () => {
    const big = testVolume({ id: 'big', name: 'big.tif', width: 400, height: 200, depth: 9, dtype: 'uint16', window: { low: 100, high: 900 } });
    const connection = fakeConnection({ paths: { '/big.tif': big } });
    const workspace = new Workspace(async () => connection);
    await workspace.start();
    workspace.slices.setZ(2);
    workspace.viewport.setViewSize(800, 800);
    workspace.viewport.zoomCentred(4);
    await workspace.openPath('/big.tif');
    expect(workspace.volume?.id).toBe('big');
    expect(workspace.slices.z).toBe(0);
    expect(workspace.viewport.fitted).toBe(true);
    expect(workspace.viewport.scale).toBe(2);
    expect(workspace.window.low).toBe(100);
    expect(workspace.window.high).toBe(900);
    expect(connection.calls).toContain('closeVolume sample');
  });

  it('shows progress while opening', async () => {
    const workspace = new Workspace(async () => fakeConnection());
    await workspace.start();
    const opening = workspace.openFiles([{ name: 'slices/z0.png', data: new ArrayBuffer(1) }]);
    expect(workspace.opening?.label).toBe('slices/z0.png');
    await opening;
    expect(workspace.opening).toBeNull();
    expect(workspace.volume?.id).toBe('dropped');
  });
});
