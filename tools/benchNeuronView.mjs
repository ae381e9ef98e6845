#!/usr/bin/env node
/**
 * `node tools/benchNeuronView.mjs [--seconds 3] [--neurons 500] [--screenshot file.png]`: how
 * smoothly the 3D neuron view turns with 500 synthetic neurons (~3k triangles each, decimated
 * meshes of ~300) in a 512 × 512 × 22 volume of 4 × 4 × 50 nm, in headless Chromium with
 * software WebGL. Prints frame-time median / p95 and fps per configuration. Figures, not
 * pass/fail; see tools/neuronViewBench/measureNeuronView.mjs to use the measure in a test.
 */
import { parseArgs } from 'node:util';
import { measureNeuronView } from './neuronViewBench/measureNeuronView.mjs';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    neurons: { type: 'string', default: '500' },
    screenshot: { type: 'string' },
  },
});
const base = { seconds: Number(values.seconds), neurons: Number(values.neurons) };
const configurations = [
  { label: 'default (software budget, no MSAA)', run: {} },
  { label: 'decimated meshes only', run: { triangleBudget: 0 } },
  { label: 'full meshes only', run: { triangleBudget: Number.MAX_SAFE_INTEGER } },
  { label: 'default with MSAA', run: { antialias: true } },
];

const results = await measureNeuronView({
  runs: configurations.map((c) => ({ ...base, ...c.run })),
  screenshot: values.screenshot,
});
console.log(`renderer: ${results[0].renderer}${results[0].software ? ' (software)' : ''}`);
for (const [index, result] of results.entries()) {
  const { stats, options } = result;
  const frames = stats.intervalSummary;
  console.log(
    `${configurations[index].label}: ${options.neurons} neurons, ${options.width}×${options.height} px — ` +
      `frame median ${frames.median.toFixed(1)} ms, p95 ${frames.p95.toFixed(1)} ms, ${stats.fps.toFixed(1)} fps over ${frames.count} frames; ` +
      `render call median ${stats.renderSummary.median.toFixed(1)} ms; ${stats.drawCalls} draw calls, ${(stats.triangles / 1000).toFixed(0)}k triangles, ` +
      `${stats.detailedNeurons} in full detail; build ${result.buildMilliseconds.toFixed(0)} ms, first frame ${result.firstFrameMilliseconds.toFixed(0)} ms, pick ${result.pickMilliseconds.toFixed(1)} ms`,
  );
}
