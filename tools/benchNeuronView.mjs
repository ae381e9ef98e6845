#!/usr/bin/env node
/**
 * `node tools/benchNeuronView.mjs [--seconds 3] [--neurons 500] [--screenshot file.png]`: how
 * smoothly the 3D neuron view turns with 500 synthetic neurons (tubes of ~3k triangles with
 * decimated versions of ~300 and ~90) in a 512 × 512 × 22 volume of 4 × 4 × 50 nm, in headless
 * Chromium without a GPU. Prints frame-time median / p95 and fps for the view as the app sets it
 * up, for the same scene without its software-rendering measures, and for other software WebGL
 * setups. Figures, not pass/fail; the load average is printed because the CPU is shared.
 * tools/neuronViewBench/measureNeuronView.mjs has the same measure for tests.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { buildBenchPage, CHROMIUM_ARGS, measureNeuronView } from './neuronViewBench/measureNeuronView.mjs';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    neurons: { type: 'string', default: '500' },
    screenshot: { type: 'string' },
  },
});
const base = { seconds: Number(values.seconds), neurons: Number(values.neurons) };
const LLVMPIPE = ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--use-angle=gl-egl', '--ignore-gpu-blocklist'];
const setups = [
  {
    label: 'SwiftShader (Chromium without GPU)',
    args: CHROMIUM_ARGS,
    runs: [
      { label: 'as the app draws it', run: {} },
      { label: 'without LOD budget or adaptive resolution', run: { triangleBudget: Number.MAX_SAFE_INTEGER, adaptiveResolution: false } },
    ],
  },
  { label: 'SwiftShader, --disable-gpu-compositing', args: [...CHROMIUM_ARGS, '--disable-gpu-compositing'], runs: [{ label: 'as the app draws it', run: {} }] },
  { label: 'Mesa llvmpipe (--use-angle=gl-egl --ignore-gpu-blocklist)', args: LLVMPIPE, runs: [{ label: 'as the app draws it', run: {} }] },
];

function line(label, result) {
  const { stats, options, frames } = result;
  return (
    `  ${label}: frame median ${frames.median.toFixed(1)} ms, p95 ${frames.p95.toFixed(1)} ms, ${frames.fps.toFixed(1)} fps ` +
    `(${frames.count} frames, ${options.width}×${options.height} CSS px drawn at ratio ${stats.pixelRatio.toFixed(2)}); ` +
    `${stats.drawCalls} draw calls, ${(stats.triangles / 1000).toFixed(0)}k triangles, ${stats.detailedNeurons} neurons in full detail; ` +
    `render call ${stats.renderSummary.median.toFixed(1)} ms; still frame ${result.stillFrameMilliseconds.toFixed(0)} ms; ` +
    `mesh build ${result.buildMilliseconds.toFixed(0)} ms; pick ${result.pickMilliseconds.toFixed(1)} ms`
  );
}

const page = await buildBenchPage();
try {
  console.log(`${base.neurons} neurons, ${base.seconds} s of orbit per run; ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  for (const [index, setup] of setups.entries()) {
    const last = index === setups.length - 1;
    const results = await measureNeuronView({
      args: setup.args,
      pageDir: page.outDir,
      runs: setup.runs.map((r) => ({ ...base, ...r.run })),
      screenshot: index === 0 ? values.screenshot : undefined,
    });
    console.log(`${setup.label} — ${results[0].renderer}`);
    for (const [i, result] of results.entries()) console.log(line(setup.runs[i].label, result));
    if (last) console.log(`load average now ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  }
} finally {
  page.remove();
}
