#!/usr/bin/env node
/**
 * Block-wise meshing benchmark: a label OME-Zarr of at least 512 × 512 × 64 (ISBI 2012 neurons:
 * the training labels segmented with segmentVolume, mirrored in z to 64 slices; or a synthetic
 * tissue with `--synthetic`, or when the ISBI data is missing), chunks 16 × 256 × 256, meshed
 * block by block into a precomputed dataset. Prints seconds, blocks/s, peak RSS, and the
 * agreement of every neuron's welded fragments with marching cubes on the whole volume.
 * Run: `npm run build:node && node build/engine/bench/meshBlocksBench.js [--synthetic] [--depth 64]`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { findAppRoot } from '../base/appRoot.js';
import { readTiff } from '../io/readTiff.js';
import { isClosed, isManifold, signedVolume } from '../mesh/meshChecks.js';
import { meshNeurons } from '../mesh/meshNeuron.js';
import { tissueVolume, type LabelVolume } from '../mesh/testing/labelVolume.js';
import { weldFragments } from '../mesh/weldFragments.js';
import { segmentVolume } from '../segment/segmentVolume.js';
import { MeshBlockStore } from '../blocks/MeshBlockStore.js';
import { meshOmeZarr } from '../blocks/meshOmeZarr.js';
import { writeLabelOmeZarr } from '../blocks/testing/writeLabelOmeZarr.js';

export interface MeshBlocksBenchOptions {
  /** 'isbi' (default when the data is there) or 'synthetic'. */
  source?: 'isbi' | 'synthetic';
  /** Slices (default 64). */
  depth?: number;
  /** Smallest block edge in y/x (default 512: one block per 16 slices of a 512² volume). */
  minEdge?: number;
}

export interface MeshBlocksBenchResult {
  source: string;
  shape: [number, number, number];
  blocks: number;
  neurons: number;
  triangles: number;
  seconds: number;
  blocksPerSecond: number;
  /** Highest RSS sampled while the blocks were meshed, and the process's peak so far (MB). */
  peakRssMb: number;
  processMaxRssMb: number;
  /** Whole-volume marching cubes, in memory, for comparison. */
  wholeSeconds: number;
  /** Neurons whose welded mesh has exactly the whole-volume triangle count, is closed and manifold. */
  sameTriangles: number;
  closedManifold: number;
  /** Largest relative difference of enclosed volume over all neurons. */
  worstVolumeDifference: number;
}

/** Builds the volume, writes it as OME-Zarr, meshes it block-wise, and checks it against whole-volume meshing. */
export async function runMeshBlocksBench(options: MeshBlocksBenchOptions = {}): Promise<MeshBlocksBenchResult> {
  const depth = options.depth ?? 64;
  const labelsFile = path.join(findAppRoot(), '..', 'shared', 'data', 'isbi2012', 'train-labels.tif');
  const source = options.source ?? (existsSync(labelsFile) ? 'isbi' : 'synthetic');
  const volume = source === 'isbi' ? isbiNeurons(labelsFile, depth) : tissueVolume(512, 512, depth, 400);
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'membrana-mesh-bench-'));
  try {
    const input = await writeLabelOmeZarr(path.join(tmp, 'seg.ome.zarr'), volume, [16, 256, 256]);
    const output = path.join(tmp, 'meshes');
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const started = performance.now();
    const result = await meshOmeZarr({ input, output, format: 'precomputed', minEdge: options.minEdge });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    const processMaxRssMb = process.resourceUsage().maxRSS / 1024;

    const wholeStarted = performance.now();
    const whole = await meshNeurons(volume.ids, volume.width, volume.height, volume.depth, { x: 4, y: 4, z: 50 });
    const wholeSeconds = (performance.now() - wholeStarted) / 1000;
    const store = await MeshBlockStore.openExisting(output);
    const { neurons } = await store.neurons();
    let sameTriangles = 0, closedManifold = 0, worstVolumeDifference = 0;
    for (const [id, entry] of neurons) {
      const welded = weldFragments(await store.readFragments(id, entry.blocks));
      const reference = whole.get(id)!;
      if (welded.indices.length === reference.indices.length) sameTriangles++;
      if (isClosed(welded) && isManifold(welded)) closedManifold++;
      worstVolumeDifference = Math.max(worstVolumeDifference, Math.abs(signedVolume(welded) / signedVolume(reference) - 1));
    }
    if (neurons.size !== whole.size) throw new Error(`Block-wise meshing found ${neurons.size} neurons, whole-volume meshing ${whole.size}.`);
    return {
      source,
      shape: [volume.depth, volume.height, volume.width],
      blocks: result.blocks,
      neurons: result.neurons,
      triangles: result.triangles,
      seconds,
      blocksPerSecond: result.blocks / seconds,
      peakRssMb: peak / 2 ** 20,
      processMaxRssMb,
      wholeSeconds,
      sameTriangles,
      closedManifold,
      worstVolumeDifference,
    };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** ISBI 2012 training labels (0 membrane, 255 cell) segmented into 3D neurons, mirrored in z (0..21, 21..0, ...) to `depth` slices. */
function isbiNeurons(file: string, depth: number): LabelVolume {
  const labels = readTiff(new Uint8Array(readFileSync(file)), path.basename(file));
  const { width, height } = labels;
  const plane = width * height;
  const probability = new Uint8Array(labels.data.length);
  for (let i = 0; i < probability.length; i++) probability[i] = 255 - labels.data[i]!;
  const { ids } = segmentVolume(probability, width, height, labels.depth, { voxelSize: { x: 4, y: 4, z: 50, unit: 'nm' } });
  const out = new Uint32Array(plane * depth);
  for (let z = 0; z < depth; z++) {
    const cycle = z % (2 * labels.depth);
    const from = cycle < labels.depth ? cycle : 2 * labels.depth - 1 - cycle;
    out.set(ids.subarray(from * plane, (from + 1) * plane), z * plane);
  }
  return { ids: out, width, height, depth };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { synthetic: { type: 'boolean', default: false }, depth: { type: 'string' }, 'min-edge': { type: 'string' } } });
  const result = await runMeshBlocksBench({ source: values.synthetic ? 'synthetic' : undefined, depth: values.depth ? Number(values.depth) : undefined, minEdge: values['min-edge'] ? Number(values['min-edge']) : undefined });
  const [z, y, x] = result.shape;
  console.log(`Block-wise meshing: ${result.source} labels ${x} × ${y} × ${z}, ${result.blocks} blocks, ${result.neurons} neurons, ${result.triangles.toLocaleString('en')} triangles`);
  const rows: [string, string][] = [
    ['block-wise (precomputed)', `${result.seconds.toFixed(2)} s, ${result.blocksPerSecond.toFixed(2)} blocks/s`],
    ['peak RSS', `${result.peakRssMb.toFixed(0)} MB while meshing blocks (process max ${result.processMaxRssMb.toFixed(0)} MB, including building the volume)`],
    ['whole volume in memory', `${result.wholeSeconds.toFixed(2)} s (marching cubes only)`],
    ['agreement', `${result.sameTriangles}/${result.neurons} same triangle count, ${result.closedManifold}/${result.neurons} closed + manifold, worst volume difference ${result.worstVolumeDifference.toExponential(1)}`],
  ];
  const pad = Math.max(...rows.map(([label]) => label.length));
  for (const [label, value] of rows) console.log(`${label.padEnd(pad)}  ${value}`);
  console.log(JSON.stringify({ mesh_blocks: result }));
}
