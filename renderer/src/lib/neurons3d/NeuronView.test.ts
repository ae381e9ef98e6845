// @vitest-environment jsdom
// The component's test sits here, beside the scene it wraps (components/ holds only .svelte files).
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import NeuronView from '../../components/NeuronView.svelte';
import type { NeuronMesh } from './NeuronMesh.js';

const probe = vi.hoisted(() => ({ result: { available: true, renderer: 'test', software: false } as { available: boolean; renderer?: string; software?: boolean; reason?: string } }));
const scenes = vi.hoisted(() => [] as FakeScene[]);

interface FakeScene {
  calls: { method: string; args: unknown[] }[];
  pick: ((id: number | null) => void) | null;
  view: (() => void) | null;
  disposed: boolean;
}

vi.mock('./probeWebGL.js', () => ({ probeWebGL: () => probe.result }));
vi.mock('./NeuronScene.js', () => ({
  NeuronScene: class {
    state: FakeScene = { calls: [], pick: null, view: null, disposed: false };
    constructor(_canvas: HTMLCanvasElement, options: unknown) {
      scenes.push(this.state);
      this.state.calls.push({ method: 'constructor', args: [options] });
      return new Proxy(this, {
        get: (target, key: string) => {
          if (key === 'onPick') return (callback: (id: number | null) => void) => ((target.state.pick = callback), () => (target.state.pick = null));
          if (key === 'onViewChange') return (callback: () => void) => ((target.state.view = callback), () => (target.state.view = null));
          if (key === 'scaleBar') return () => ({ lengthUm: 2, pixels: 120 });
          if (key === 'dispose') return () => (target.state.disposed = true);
          return (...args: unknown[]) => target.state.calls.push({ method: key, args });
        },
      });
    }
  },
}));

const volume = { width: 512, height: 512, depth: 22, voxelSize: { x: 4, y: 4, z: 50 } };
const meshes: NeuronMesh[] = [{ id: 7, color: [1, 0, 0], positions: new Float32Array(9), indices: new Uint32Array([0, 1, 2]) }];

function calls(method: string): unknown[][] {
  return scenes.at(-1)!.calls.filter((call) => call.method === method).map((call) => call.args);
}

beforeEach(() => {
  scenes.length = 0;
  probe.result = { available: true, renderer: 'test', software: false };
  globalThis.ResizeObserver = class {
    observe(): void {}
    unobserve(): void {}
    disconnect(): void {}
  };
});
afterEach(() => cleanup());

describe('NeuronView', () => {
  it('says what is missing when there is no WebGL', () => {
    probe.result = { available: false, reason: 'this browser gave no WebGL 2 context.' };
    render(NeuronView, { volume, meshes, slice: { z: 0 }, selection: [], hidden: [] });
    expect(screen.getByRole('alert')).toHaveTextContent('3D view needs WebGL: this browser gave no WebGL 2 context.');
    expect(scenes).toHaveLength(0);
  });

  it('passes volume, meshes, slice, selection and hidden neurons to the scene', () => {
    render(NeuronView, { volume, meshes, slice: { z: 5 }, selection: [7], hidden: [3] });
    expect(calls('setVolume')).toEqual([[volume]]);
    expect(calls('setMeshes')).toEqual([[meshes]]);
    expect(calls('setSlicePlane')).toEqual([[5, null]]);
    expect(calls('setSelection')).toEqual([[[7]]]);
    expect(calls('setHidden')).toEqual([[[3]]]);
  });

  it('reports picks, shows the scale bar, resets, isolates and disposes the scene on unmount', async () => {
    const onPick = vi.fn();
    const { unmount } = render(NeuronView, { volume, meshes, slice: { z: 0 }, selection: [7], hidden: [], onPick });
    const scene = scenes.at(-1)!;
    scene.pick?.(7);
    expect(onPick).toHaveBeenCalledWith(7);
    scene.view?.();
    expect(await screen.findByTestId('neuron-view-scale')).toHaveTextContent('2 µm');
    await fireEvent.click(screen.getByTestId('neuron-view-reset'));
    expect(calls('resetView')).toHaveLength(1);
    await fireEvent.click(screen.getByTestId('neuron-view-isolate'));
    expect(calls('isolate')).toEqual([[[7]]]);
    expect(screen.getByTestId('neuron-view-isolate')).toHaveTextContent('Show all');
    await fireEvent.click(screen.getByTestId('neuron-view-isolate'));
    expect(calls('isolate')).toEqual([[[7]], [null]]);
    unmount();
    expect(scene.disposed).toBe(true);
  });

  it('draws the slice on its plane under the contrast window', () => {
    const pixels = { width: 2, height: 1, dtype: 'uint8' as const, data: Uint8Array.from([10, 200]).buffer };
    render(NeuronView, { volume, meshes, slice: { z: 3, pixels, range: { low: 10, high: 200 } }, selection: [], hidden: [] });
    const [[z, texture]] = calls('setSlicePlane') as [[number, { data: Uint8Array; width: number; height: number }]];
    expect(z).toBe(3);
    expect([texture.width, texture.height, texture.data[0], texture.data[4]]).toEqual([2, 1, 0, 255]);
    expect(screen.getByTestId('neuron-view')).toHaveAttribute('data-textured', 'true');
  });

  it('frames the neurons on F or 0 while it has the focus, and keeps the key from the slice view', async () => {
    render(NeuronView, { volume, meshes, slice: { z: 0 }, selection: [7], hidden: [] });
    const view = screen.getByTestId('neuron-view');
    await fireEvent.pointerDown(view);
    expect(document.activeElement).toBe(view);
    const event = new KeyboardEvent('keydown', { key: 'f', bubbles: true, cancelable: true });
    view.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(true);
    await fireEvent.keyDown(view, { key: '0' });
    await fireEvent.keyDown(view, { key: 'f', ctrlKey: true });
    await fireEvent.keyDown(view, { key: 'g' });
    expect(calls('frameShown')).toHaveLength(2);
  });

  it('offers isolation only with a selection', () => {
    render(NeuronView, { volume, meshes, slice: { z: 0 }, selection: [], hidden: [] });
    expect(screen.getByTestId('neuron-view-isolate')).toBeDisabled();
  });
});
