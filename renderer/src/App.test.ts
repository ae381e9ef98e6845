// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import App from './App.svelte';
import { Settings } from './lib/settings/Settings.svelte.js';
import { fakeConnection } from './lib/testing/fakeEngine.js';
import { Workspace } from './lib/Workspace.svelte.js';

beforeAll(() => {
  // jsdom has no 2D canvas; the viewer copes with a null context.
  HTMLCanvasElement.prototype.getContext = (() => null) as typeof HTMLCanvasElement.prototype.getContext;
});
afterEach(() => cleanup());

async function renderApp(settings = new Settings(null)): Promise<Workspace> {
  const workspace = new Workspace(async () => fakeConnection());
  render(App, { workspace, settings });
  await waitFor(() => expect(screen.getByTestId('slice-label')).toHaveTextContent('z 0 of 0–4'));
  return workspace;
}

describe('App', () => {
  it('opens the sample and shows its slice, size and voxel size', async () => {
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
    expect(error).toHaveTextContent('Check the path and try again.');
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
