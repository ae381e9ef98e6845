import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { measureNeuronView as measureUntyped } from '../tools/neuronViewBench/measureNeuronView.mjs';
import { ARTIFACTS } from './launchServe.js';

const measureNeuronView = measureUntyped as (options: { runs: object[]; screenshot?: string }) => Promise<ViewResult[]>;

interface ViewResult {
  renderer: string;
  software: boolean;
  frames: { median: number; p95: number; fps: number; count: number };
  pickMilliseconds: number;
  stats: { triangles: number; drawCalls: number };
}

// The 3D view's target: 500 decimated neurons at interactive frame rates in Chromium. This
// machine has no GPU, so WebGL is software (SwiftShader): the figure printed is the floor.
describe('the 3D neuron view in Chromium', () => {
  it('orbits 500 neurons and prints the frame times', async () => {
    const [result] = await measureNeuronView({ runs: [{ neurons: 500, seconds: 3 }], screenshot: path.join(ARTIFACTS, 'neuron-view-500.png') });
    console.log(
      `3D view, 500 neurons (~3k triangles each, two decimated levels), orbiting 3 s in headless Chromium on ${result!.renderer}${result!.software ? ' (software WebGL)' : ''}: frame median ${result!.frames.median.toFixed(1)} ms, p95 ${result!.frames.p95.toFixed(1)} ms, ${result!.frames.fps.toFixed(1)} fps; pick ${result!.pickMilliseconds.toFixed(1)} ms`,
    );
    expect(result!.frames.count).toBeGreaterThan(5);
  }, 120_000);
});
