/**
 * The benchmark page: builds a NeuronScene with synthetic neurons and turns the view for a few
 * seconds, one step per animation frame. measureNeuronView.mjs drives it through
 * `window.neuronBench.run(...)`.
 */
import { NeuronScene } from '../../renderer/src/lib/neurons3d/NeuronScene.js';
import type { NeuronVolume } from '../../renderer/src/lib/neurons3d/NeuronMesh.js';
import { summarize, type FrameStatsSnapshot, type TimeSummary } from '../../renderer/src/lib/neurons3d/FrameStats.js';
import { probeWebGL } from '../../renderer/src/lib/neurons3d/probeWebGL.js';
import type { SliceTexturePixels } from '../../renderer/src/lib/neurons3d/sliceTexture.js';
import { syntheticNeurons } from './syntheticNeurons.js';

export interface BenchOptions {
  neurons: number;
  seconds: number;
  width: number;
  height: number;
  antialias: boolean;
  /** Triangles per moving frame before neurons switch to decimated meshes; null for the default. */
  triangleBudget: number | null;
  /** Adapt the resolution of moving frames to their time (the default); false: always full. */
  adaptiveResolution: boolean;
  trianglesPerNeuron: number;
  /** Share of triangles each decimated mesh keeps, finest first; [] for none. */
  lodRatios: number[];
  /** Leave the scene on screen afterwards (for a screenshot); the next run disposes it. */
  keep: boolean;
  /** Distinct neuron colours (0: one per neuron). */
  colors: number;
}

export interface BenchResult {
  /**
   * Time between the animation frames of the turning loop, each of which turns the view and
   * draws: what the user sees, however slow (the scene's own intervals skip gaps over 250 ms).
   */
  frames: TimeSummary & { fps: number };
  renderer: string;
  software: boolean;
  buildMilliseconds: number;
  firstFrameMilliseconds: number;
  pickMilliseconds: number;
  /** How long the full-quality frame drawn after the motion takes, until finished. */
  stillFrameMilliseconds: number;
  stats: Omit<FrameStatsSnapshot, 'intervals' | 'renderTimes'>;
}

const volume: NeuronVolume = { width: 512, height: 512, depth: 22, voxelSize: { x: 4, y: 4, z: 50 } };

function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

/** A noise image standing in for the slice, so the plane is textured as in the app. */
/** A 512² noise slice for the plane, as sliceTexturePixels gives the view. */
function sliceImage(): SliceTexturePixels {
  const data = new Uint8Array(512 * 512 * 4);
  for (let i = 0; i < data.length; i += 4) {
    const value = 80 + ((i * 2654435761) >>> 24) % 120;
    data.set([value, value, value, 255], i);
  }
  return { data, width: 512, height: 512 };
}

let kept: NeuronScene | null = null;

async function run(options: BenchOptions): Promise<BenchResult> {
  kept?.dispose();
  kept = null;
  const support = probeWebGL();
  if (!support.available) throw new Error(`3D view needs WebGL: ${support.reason}`);
  const old = document.getElementById('view')!;
  const canvas = document.createElement('canvas');
  canvas.id = 'view';
  canvas.style.width = `${options.width}px`;
  canvas.style.height = `${options.height}px`;
  old.replaceWith(canvas);
  const scene = new NeuronScene(canvas, {
    software: support.software,
    antialias: options.antialias,
    triangleBudget: options.triangleBudget ?? undefined,
    adaptiveResolution: options.adaptiveResolution,
  });
  try {
    scene.resize(options.width, options.height, 1);
    scene.setVolume(volume);
    const meshes = syntheticNeurons({ count: options.neurons, volume, triangles: options.trianglesPerNeuron, lodRatios: options.lodRatios, colors: options.colors });
    const buildStart = performance.now();
    scene.setMeshes(meshes);
    scene.setSlicePlane(11, sliceImage());
    const buildMilliseconds = performance.now() - buildStart;
    const firstStart = performance.now();
    await nextFrame();
    await nextFrame();
    const firstFrameMilliseconds = performance.now() - firstStart;
    for (let i = 0; i < 10; i++) {
      scene.rotateView(0.01, 0);
      await nextFrame();
    }
    scene.clearFrameStats();
    const end = performance.now() + options.seconds * 1000;
    const intervals: number[] = [];
    let last = performance.now();
    while (performance.now() < end) {
      // A full turn in about 6 s, with a little tilt back and forth, as a user's orbit would.
      scene.rotateView(0.017, 0.004 * Math.sin(performance.now() / 300));
      await nextFrame();
      const now = performance.now();
      intervals.push(now - last);
      last = now;
    }
    await nextFrame();
    const summary = summarize(intervals);
    const frames = { ...summary, fps: summary.median > 0 ? 1000 / summary.median : 0 };
    const { intervals: _intervals, renderTimes: _renderTimes, ...stats } = scene.frameStats();
    // The sharp frame drawn once the view stops: wait for it, then time one more like it.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const stillStart = performance.now();
    scene.requestRender();
    await nextFrame();
    // Reading a pixel waits until the GPU (here: the CPU rasterizer) has finished the frame.
    const gl = canvas.getContext('webgl2')!;
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
    const stillFrameMilliseconds = performance.now() - stillStart;
    const pickStart = performance.now();
    for (let i = 0; i < 5; i++) scene.pick({ x: (i - 2) * 0.1, y: 0.05 });
    const pickMilliseconds = (performance.now() - pickStart) / 5;
    return { frames, stillFrameMilliseconds, renderer: support.renderer, software: support.software, buildMilliseconds, firstFrameMilliseconds, pickMilliseconds, stats };
  } finally {
    if (options.keep) kept = scene;
    else scene.dispose();
  }
}

declare global {
  interface Window {
    neuronBench: { run: typeof run; ready: true };
  }
}
window.neuronBench = { run, ready: true };
