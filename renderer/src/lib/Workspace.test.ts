// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeConnection, testVolume, type FakeEngineOptions } from './testing/fakeEngine.js';
import { BROWSER_MISSING_FILE_HINT } from './userError.js';
import { Workspace } from './Workspace.svelte.js';

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** A workspace started on a plain stack (as `membrana serve stack.tif` starts). */
async function startOnStack(options: FakeEngineOptions = {}): Promise<{ workspace: Workspace; connection: ReturnType<typeof fakeConnection> }> {
  const stack = testVolume({ id: 'stack', name: 'stack.tif' });
  const connection = fakeConnection({ ...options, info: { startupPath: '/data/stack.tif' }, paths: { '/data/stack.tif': stack, ...options.paths } });
  const workspace = new Workspace(async () => connection);
  await workspace.start();
  return { workspace, connection };
}

beforeEach(() => localStorage.clear());

describe('Workspace', () => {
  it('opens nothing when there is no startup path and no last project: the start screen lists the recent projects', async () => {
    const connection = fakeConnection({ projects: ['/p/a'], recent: [{ dir: '/p/a', name: 'A', opened: '2025-01-02T00:00:00Z' }] });
    const workspace = new Workspace(async () => connection);
    expect(workspace.starting).toBe(true);
    await workspace.start();
    expect(workspace.phase).toBe('ready');
    expect(workspace.starting).toBe(false);
    expect(connection.calls).toEqual([]);
    expect(workspace.volume).toBeNull();
    expect(workspace.recent).toEqual([{ dir: '/p/a', name: 'A', opened: '2025-01-02T00:00:00Z', missing: false }]);
  });

  it('reopens the last project; when its folder is gone, says so over the start screen, which shows it missing', async () => {
    const recent = [{ dir: '/p/gone', name: 'Gone', opened: '2025-01-02T00:00:00Z' }];
    localStorage.setItem('membrana:last-project', '/p/kept');
    const kept = new Workspace(async () => fakeConnection({ projects: ['/p/kept'] }));
    await kept.start();
    expect(kept.project?.info.dir).toBe('/p/kept');

    localStorage.setItem('membrana:last-project', '/p/gone');
    const connection = fakeConnection({ recent });
    const workspace = new Workspace(async () => connection);
    await workspace.start();
    expect(connection.calls).toEqual(['openProject /p/gone']);
    expect(workspace.volume).toBeNull();
    expect(workspace.error?.title).toBe('Could not open /p/gone/project.json');
    expect(workspace.recent).toEqual([{ ...recent[0], missing: true }]);
    expect(localStorage.getItem('membrana:last-project')).toBeNull();
    await workspace.forgetRecent('/p/gone');
    expect(workspace.recent).toEqual([]);
    expect(connection.calls).toContain('forgetRecentProject /p/gone');
  });

  it('Try the sample makes a project of the sample in the projects folder, numbered when the name is taken, and opens it', async () => {
    const base = '/home/ann/.config/membrana/projects/isbi2012-sample';
    const connection = fakeConnection({ projects: [base] });
    const workspace = new Workspace(async () => connection);
    await workspace.start();
    const trying = workspace.trySample();
    expect(workspace.makingSample).toBe(true);
    void workspace.trySample(); // a second click while the first runs does nothing
    await trying;
    expect(workspace.makingSample).toBe(false);
    expect(connection.calls).toEqual(['openSample', `newProject ${base}`, `newProject ${base}-2`, 'closeVolume sample']);
    expect(workspace.error).toBeNull();
    expect(workspace.project?.info).toMatchObject({ dir: `${base}-2`, name: 'ISBI 2012 sample 2' });
    expect(workspace.volume?.id).toBe(`project-volume ${base}-2`);
    expect(workspace.opening).toBeNull();
    expect(localStorage.getItem('membrana:last-project')).toBe(`${base}-2`);
  });

  it('asks before a stack closes the open project: no keeps it, yes closes it and opens the stack', async () => {
    const other = testVolume({ id: 'other', name: 'other.tif' });
    const connection = fakeConnection({ paths: { '/data/other.tif': other } });
    const workspace = new Workspace(async () => connection);
    await workspace.start();
    await workspace.trySample();
    const project = workspace.project!;
    let finished = false;
    void workspace.openPath('/data/other.tif').then(() => (finished = true));
    await settle();
    expect(workspace.pendingOpen).toEqual({ label: 'other.tif', project: 'ISBI 2012 sample', job: null });
    expect(connection.calls).not.toContain('openPath /data/other.tif');
    workspace.cancelOpen();
    await settle();
    expect(finished).toBe(true);
    expect(workspace.pendingOpen).toBeNull();
    expect(workspace.project).toBe(project);

    const opening = workspace.openPath('/data/other.tif');
    expect(workspace.pendingOpen?.label).toBe('other.tif');
    await workspace.confirmOpen();
    await opening;
    expect(workspace.project).toBeNull();
    expect(workspace.volume?.id).toBe('other');
    expect(connection.calls).toContain(`closeProject ${project.info.id}`);
  });

  it('tells a browser user what to do about a missing file, without a File menu', async () => {
    const { workspace } = await startOnStack();
    await workspace.openPath('/nonexistent.tif');
    expect(workspace.error?.hint).toBe(BROWSER_MISSING_FILE_HINT);
    expect(workspace.error?.hint).not.toMatch(/File ›/);
  });

  it('opens the startup path, before any last project', async () => {
    localStorage.setItem('membrana:last-project', '/p/a');
    const { workspace, connection } = await startOnStack({ projects: ['/p/a'] });
    expect(connection.calls).toEqual(['openPath /data/stack.tif']);
    expect(workspace.volume?.name).toBe('stack.tif');
    expect(workspace.slices.z).toBe(0);
    await settle();
    expect(workspace.slices.slice?.z).toBe(0);
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
    const { workspace, connection } = await startOnStack();
    connection.disconnect('The connection to the Membrana engine at ws://x/engine closed.');
    expect(workspace.phase).toBe('disconnected');
    expect(workspace.unreachableMessage).toMatch(/closed/);
  });

  it('drops an error about one slice when the user moves to another, and keeps others', async () => {
    const { workspace } = await startOnStack();
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
    const { workspace } = await startOnStack();
    workspace.slices.setZ(3);
    await workspace.openPath('/nonexistent.tif');
    expect(workspace.volume?.id).toBe('stack');
    expect(workspace.slices.z).toBe(3);
    expect(workspace.opening).toBeNull();
    expect(workspace.error).toEqual({
      title: 'Could not open /nonexistent.tif',
      message: '/nonexistent.tif does not exist.',
      hint: BROWSER_MISSING_FILE_HINT,
      code: 'ENOENT',
    });
    workspace.dismissError();
    expect(workspace.error).toBeNull();
  });

  it('replaces the volume on success: slice 0, fitted, old one closed', async () => {
    const big = testVolume({ id: 'big', name: 'big.tif', width: 400, height: 200, depth: 9, dtype: 'uint16', window: { low: 100, high: 900 } });
    const { workspace, connection } = await startOnStack({ paths: { '/big.tif': big } });
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
    expect(connection.calls).toContain('closeVolume stack');
  });

  it('shows progress while opening', async () => {
    const { workspace } = await startOnStack();
    const opening = workspace.openFiles([{ name: 'slices/z0.png', data: new ArrayBuffer(1) }]);
    expect(workspace.opening?.label).toBe('slices/z0.png');
    await opening;
    expect(workspace.opening).toBeNull();
    expect(workspace.volume?.id).toBe('dropped');
  });
});
