// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import App from './App.svelte';
import { Settings } from './lib/settings/Settings.svelte.js';
import { fakeConnection, testVolume, type FakeEngineOptions } from './lib/testing/fakeEngine.js';
import { Workspace } from './lib/Workspace.svelte.js';

beforeAll(() => {
  // jsdom has no 2D canvas; the viewer copes with a null context.
  HTMLCanvasElement.prototype.getContext = (() => null) as typeof HTMLCanvasElement.prototype.getContext;
});
afterEach(() => {
  cleanup();
  localStorage.clear();
});

/** The app started on a stack given at startup (`npm run serve -- stack.tif`). */
async function renderApp(settings = new Settings(null), options: FakeEngineOptions = {}): Promise<Workspace> {
  const workspace = new Workspace(async () => fakeConnection({ ...options, info: { startupPath: '/data/sample.tif' }, paths: { '/data/sample.tif': testVolume(), ...options.paths } }));
  render(App, { workspace, settings });
  await waitFor(() => expect(screen.getByTestId('slice-label')).toHaveTextContent('z 0 of 0–4'));
  return workspace;
}

describe('App', () => {
  it('starts on the start screen: Try the sample lands in a project, recent projects open or, when missing, go', async () => {
    const connection = fakeConnection({
      projects: ['/p/kept'],
      recent: [
        { dir: '/p/kept', name: 'Kept', opened: new Date().toISOString() },
        { dir: '/p/gone', name: 'Gone', opened: '2024-05-01T10:00:00Z' },
      ],
    });
    const workspace = new Workspace(async () => connection);
    render(App, { workspace, settings: new Settings(null) });
    const start = await screen.findByTestId('start-screen');
    expect(start).toHaveTextContent('A project comes first');
    expect(screen.getByTestId('workflow-guide')).toHaveTextContent('Fine-tune');
    await waitFor(() => expect(screen.getAllByTestId('recent-entry')).toHaveLength(2));
    const [kept, gone] = screen.getAllByTestId('recent-entry');
    expect(kept).not.toHaveTextContent('missing');
    expect(gone).toHaveTextContent('missing');
    await fireEvent.click(gone!.querySelector('[data-testid="recent-remove"]')!);
    await waitFor(() => expect(screen.getAllByTestId('recent-entry')).toHaveLength(1));
    expect(connection.calls).toContain('forgetRecentProject /p/gone');

    await fireEvent.click(screen.getByTestId('try-sample'));
    await screen.findByTestId('project-panel');
    expect(screen.queryByTestId('start-screen')).toBeNull();
    expect(workspace.project?.info.name).toBe('ISBI 2012 sample');
    expect(screen.getByTestId('slice-label')).toHaveTextContent('z 0 of 0–4');
  });

  it('asks in a dialog before Open… closes the project, and names an unnamed new project as its placeholder showed', async () => {
    const workspace = await renderApp(new Settings(null), { paths: { '/data/other.tif': testVolume({ id: 'other', name: 'other.tif' }) } });
    await fireEvent.click(screen.getByTestId('new-project-button'));
    expect(screen.getByTestId('project-name-input')).toHaveAttribute('placeholder', 'isbi2012-crop.tif');
    await fireEvent.input(screen.getByTestId('project-dir-input'), { target: { value: '/p/new' } });
    await fireEvent.click(screen.getByTestId('project-submit'));
    await screen.findByTestId('project-panel');
    expect(workspace.project?.info.name).toBe('isbi2012-crop.tif');

    const openOther = async (): Promise<void> => {
      await fireEvent.click(screen.getByTestId('open-button'));
      await fireEvent.input(screen.getByTestId('open-path-input'), { target: { value: '/data/other.tif' } });
      await fireEvent.click(screen.getByTestId('open-path-submit'));
    };
    await openOther();
    const dialog = await screen.findByTestId('confirm-dialog');
    expect(dialog).toHaveTextContent('Close the project isbi2012-crop.tif?');
    expect(dialog).toHaveTextContent('Nothing is lost');
    await fireEvent.click(screen.getByTestId('confirm-cancel'));
    expect(screen.queryByTestId('confirm-dialog')).toBeNull();
    expect(workspace.project?.info.name).toBe('isbi2012-crop.tif');

    await openOther();
    await fireEvent.click(await screen.findByTestId('confirm-ok'));
    await waitFor(() => expect(workspace.volume?.id).toBe('other'));
    expect(workspace.project).toBeNull();
    expect(screen.queryByTestId('project-panel')).toBeNull();
  });

  it('shows the stack given at startup with its slice, size and voxel size', async () => {
    await renderApp();
    expect(screen.getByTestId('viewer-canvas')).toBeInTheDocument();
    const status = screen.getByTestId('status');
    expect(status).toHaveTextContent('voxel 4 × 4 × 50 nm');
    expect(status).toHaveTextContent('4 × 3 × 5 uint8');
    expect(status).toHaveTextContent('x —');
  });

  it('steps through slices with the keyboard', async () => {
    await renderApp();
    await fireEvent.keyDown(window, { key: 'ArrowRight' });
    await fireEvent.keyDown(window, { key: '.' });
    expect(screen.getByTestId('slice-label')).toHaveTextContent('z 2 of 0–4');
    await fireEvent.keyDown(window, { key: 'End' });
    expect(screen.getByTestId('slice-label')).toHaveTextContent('z 4 of 0–4');
    await fireEvent.keyDown(window, { key: 'PageDown' });
    expect(screen.getByTestId('slice-label')).toHaveTextContent('z 0 of 0–4');
  });

  it('steps slices with Ctrl+wheel or Alt+wheel and zooms with the plain wheel', async () => {
    const workspace = await renderApp();
    const canvas = screen.getByTestId('viewer-canvas');
    await fireEvent.wheel(canvas, { deltaY: 100, ctrlKey: true });
    await fireEvent.wheel(canvas, { deltaY: 100, altKey: true });
    expect(screen.getByTestId('slice-label')).toHaveTextContent('z 2 of 0–4');
    await fireEvent.wheel(canvas, { deltaY: -100, altKey: true });
    expect(screen.getByTestId('slice-label')).toHaveTextContent('z 1 of 0–4');
    const before = workspace.viewport.scale;
    await fireEvent.wheel(canvas, { deltaY: -100 });
    expect(workspace.viewport.scale).toBeGreaterThan(before);
    expect(screen.getByTestId('zoom')).toHaveTextContent(`${Math.round(workspace.viewport.scale * 100)}%`);
  });

  it('toggles the help with ? and closes it with Esc', async () => {
    await renderApp();
    await fireEvent.keyDown(window, { key: '?' });
    const help = screen.getByTestId('help');
    expect(help).toHaveTextContent('Next slice');
    expect(help).toHaveTextContent('Fit to window');
    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(screen.queryByTestId('help')).toBeNull();
  });

  it('opens a path from the serve-mode dialog and shows a failure without losing the volume', async () => {
    const workspace = await renderApp();
    await fireEvent.click(screen.getByTestId('open-button'));
    const input = screen.getByTestId('open-path-input');
    // Typing in the field must not trigger shortcuts.
    await fireEvent.keyDown(input, { key: 'f' });
    await fireEvent.input(input, { target: { value: '/nonexistent.tif' } });
    await fireEvent.click(screen.getByTestId('open-path-submit'));
    const error = await screen.findByTestId('error');
    expect(error).toHaveAttribute('role', 'alert');
    expect(error).toHaveTextContent('Could not open /nonexistent.tif');
    expect(error).toHaveTextContent('Choose files…');
    expect(error).not.toHaveTextContent('File ›');
    expect(workspace.volume?.id).toBe('sample');
    await fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByTestId('error')).toBeNull();
  });

  it('keeps the contrast controls folded until asked for, in the layers panel, and remembers them', async () => {
    const items = new Map<string, string>();
    const storage = { getItem: (key: string) => items.get(key) ?? null, setItem: (key: string, value: string) => void items.set(key, value) };
    await renderApp(new Settings(storage));
    expect(screen.queryByTestId('window-low')).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Contrast' }));
    expect(screen.getByTestId('layers-panel')).toContainElement(screen.getByTestId('window-low'));
    expect(screen.getByTestId('contrast-toggle')).toHaveAttribute('aria-expanded', 'true');
    cleanup();
    // The next session (a reload) opens it again.
    await renderApp(new Settings(storage));
    expect(screen.getByTestId('window-low')).toBeInTheDocument();
    await fireEvent.click(screen.getByTestId('contrast-toggle'));
    expect(screen.queryByTestId('window-low')).toBeNull();
  });

  it('sets the contrast window and resets it with Auto and r', async () => {
    const workspace = await renderApp();
    await fireEvent.click(screen.getByRole('button', { name: 'Contrast' }));
    await fireEvent.input(screen.getByTestId('window-low'), { target: { value: '40' } });
    expect(workspace.window.low).toBe(40);
    expect(screen.getByTestId('window-low-value')).toHaveTextContent('40');
    await fireEvent.click(screen.getByTestId('window-auto'));
    expect(workspace.window.low).toBe(0);
    await fireEvent.input(screen.getByTestId('window-high'), { target: { value: '90' } });
    await fireEvent.keyDown(window, { key: 'r' });
    expect(workspace.window.high).toBe(255);
  });

  it('shows a full-window message when the engine cannot be reached', async () => {
    render(App, {
      workspace: new Workspace(async () => {
        throw new Error('Cannot reach the Membrana engine at ws://localhost/engine.');
      }),
    });
    const message = await screen.findByTestId('unreachable');
    expect(message).toHaveTextContent('Cannot reach the Membrana engine');
  });
});
