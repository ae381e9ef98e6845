#!/usr/bin/env node
/**
 * Block-wise prediction benchmark on a synthetic OME-Zarr: 4096 × 4096 × 200 uint8 (3.2 GB,
 * chunks 1 × 512 × 512; `--small`: 1024 × 1024 × 24), written chunk by chunk to os.tmpdir() and
 * reused by later runs. Reports peak RSS while reading random slices, chunk read MB/s, block-wise
 * prediction px/s of a 512 × 512 × 64 region (16 with --small) with the shipped model on the
 * predictor `membrana predict` opens (ONNX Runtime, every core), and in-memory predictVolume
 * px/s on 512² × 8 with the same predictor: the block-wise overhead (halo, reads, durable writes,
 * markers). Target: overhead < 15%.
 * Then segments that predicted region block-wise (blocks 16 × 256 × 256, halo 64: every kind
 * of face) and in memory with segmentVolume, and reports both rates and their agreement (3D
 * V_rand / V_info of the block-wise ids against the in-memory ones, and the neuron counts).
 */
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import FileSystemStore from '@zarrita/storage/fs';
import { blockGrid } from '../blocks/blockGrid.js';
import { blockHalo } from '../blocks/predictOmeZarr.js';
import { BlockLedger } from '../blocks/BlockLedger.js';
import { createPredictionStore } from '../blocks/createPredictionStore.js';
import { openOmeLevelZero } from '../blocks/openOmeLevelZero.js';
import { predictBlocks } from '../blocks/predictBlocks.js';
import { zarrSource, type VolumeSource } from '../blocks/VolumeSource.js';
import { shippedModelDir } from '../model/modelFolder.js';
import { openPredictor } from '../predict/openPredictor.js';
import { buildPyramid } from '../zarr/buildPyramid.js';
import { openOmeZarr } from '../zarr/omeZarr.js';
import { readSlice } from '../zarr/readRegion.js';
import { predictVolume } from '../predict/predictVolume.js';
import * as zarr from 'zarrita';
import { segmentOmeZarr } from '../blocks/segmentOmeZarr.js';
import { volumeSegmentationScores } from '../segment/segmentationScores.js';
import { segmentVolume } from '../segment/segmentVolume.js';

const CHUNK = 512;

/** EM-like procedural content: bright cells, dark wavy membranes, a little texture. */
function fillChunk(out: Uint8Array, z: number, y0: number, x0: number): void {
  for (let y = 0; y < CHUNK; y++) {
    for (let x = 0; x < CHUNK; x++) {
      const gy = y0 + y, gx = x0 + x;
      const wave = Math.sin(gx / 37 + z / 9 + Math.sin(gy / 53)) * Math.cos(gy / 41 - z / 13);
      const membrane = Math.abs(wave) < 0.08 ? 110 : 0;
      out[y * CHUNK + x] = Math.max(0, Math.min(255, 190 - membrane + 25 * Math.sin(gx * 0.7 + gy * 1.3) * Math.cos(gx * 0.11)));
    }
  }
}

/** Creates (or reuses) the synthetic store; a marker file says it was written to the end. */
async function syntheticStore(folder: string, shape: [number, number, number]): Promise<void> {
  const complete = path.join(folder, '.bench-complete');
  if (existsSync(complete)) return;
  await rm(folder, { recursive: true, force: true });
  const store = new FileSystemStore(folder);
  const encode = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
  await store.set('/.zgroup', encode({ zarr_format: 2 }));
  await store.set('/.zattrs', encode({ multiscales: [{ version: '0.4', axes: [{ name: 'z', type: 'space' }, { name: 'y', type: 'space' }, { name: 'x', type: 'space' }], datasets: [{ path: '0', coordinateTransformations: [{ type: 'scale', scale: [50, 4, 4] }] }] }] }));
  await store.set('/0/.zarray', encode({ zarr_format: 2, shape, chunks: [1, CHUNK, CHUNK], dtype: '|u1', compressor: null, fill_value: 0, order: 'C', filters: null, dimension_separator: '/' }));
  // One chunk in memory at a time: the store is written straight to its chunk files.
  const chunk = new Uint8Array(CHUNK * CHUNK);
  const started = performance.now();
  for (let z = 0; z < shape[0]; z++) {
    for (let cy = 0; cy < shape[1] / CHUNK; cy++) {
      for (let cx = 0; cx < shape[2] / CHUNK; cx++) {
        fillChunk(chunk, z, cy * CHUNK, cx * CHUNK);
        await store.set(`/0/${z}/${cy}/${cx}`, chunk);
      }
    }
    if (z % 20 === 19) console.error(`  wrote ${z + 1} of ${shape[0]} slices (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
  await writeFile(complete, '');
}

/** Adds scales 1–3 (2×, 4×, 8× smaller in x and y) to the store, built by buildPyramid; once. */
async function ensurePyramid(folder: string, shape: [number, number, number]): Promise<void> {
  const complete = path.join(folder, '.bench-pyramid');
  if (existsSync(complete)) return;
  const store = new FileSystemStore(folder);
  const encode = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
  const datasets = [0, 1, 2, 3].map((level) => ({ path: String(level), coordinateTransformations: [{ type: 'scale', scale: [50, 4 * 2 ** level, 4 * 2 ** level] }] }));
  for (let level = 1; level <= 3; level++) {
    const levelShape = [shape[0], Math.ceil(shape[1] / 2 ** level), Math.ceil(shape[2] / 2 ** level)];
    await store.set(`/${level}/.zarray`, encode({ zarr_format: 2, shape: levelShape, chunks: [1, Math.min(CHUNK, levelShape[1]!), Math.min(CHUNK, levelShape[2]!)], dtype: '|u1', compressor: null, fill_value: 0, order: 'C', filters: null, dimension_separator: '/' }));
  }
  await store.set('/.zattrs', encode({ multiscales: [{ version: '0.4', axes: [{ name: 'z', type: 'space', unit: 'nanometer' }, { name: 'y', type: 'space', unit: 'nanometer' }, { name: 'x', type: 'space', unit: 'nanometer' }], datasets }] }));
  const started = performance.now();
  await buildPyramid(await openOmeZarr(folder));
  console.error(`  built scales 1–3 (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  await writeFile(complete, '');
}

/** A window of a bigger source, so a region can be predicted as its own volume. */
function regionOf(source: VolumeSource, origin: [number, number, number], shape: [number, number, number]): VolumeSource {
  return {
    shape,
    read: (z, y, x, signal) => source.read([z[0] + origin[0], z[1] + origin[0]], [y[0] + origin[1], y[1] + origin[1]], [x[0] + origin[2], x[1] + origin[2]], signal),
  };
}

/** Block-wise segmentation of the predicted region against segmentVolume on the same probability. */
async function benchBlockSegmentation(probability: string, region: [number, number, number]) {
  const output = path.join(os.tmpdir(), 'membrana-block-bench-segments.ome.zarr');
  await rm(output, { recursive: true, force: true });
  const voxelSize = { x: 4, y: 4, z: 50, unit: 'nm' };
  const block: [number, number, number] = [16, 256, 256];
  const result = await segmentOmeZarr({ input: probability, output, block, halo: 64, voxelSize });
  const voxels = region[0] * region[1] * region[2];
  const blockwise = (await zarr.get((await openOmeLevelZero(output)).array)).data as Uint32Array;
  const data = (await zarr.get((await openOmeLevelZero(probability)).array)).data as Uint8Array;
  const whole = segmentVolume(data, region[2], region[1], region[0], { voxelSize });
  const scores = volumeSegmentationScores(blockwise, whole.ids);
  await rm(output, { recursive: true, force: true });
  return {
    block,
    halo: 64,
    blocks: result.blocks?.done.length ?? 0,
    blockwise_seconds: Number(result.seconds.toFixed(2)),
    blockwise_voxels_per_s: Math.round(voxels / result.seconds),
    step_seconds: { blocks: result.blocks?.seconds, faces: result.faces?.seconds, merge: result.merge?.seconds, relabel: result.relabel?.seconds },
    in_memory_seconds: Number(whole.seconds.toFixed(2)),
    in_memory_voxels_per_s: Math.round(voxels / whole.seconds),
    neurons_blockwise: result.merge?.neurons,
    neurons_in_memory: whole.count,
    v_rand_vs_in_memory: Number(scores.vRand.toFixed(4)),
    v_rand_split: Number(scores.vRandSplit.toFixed(4)),
    v_rand_merge: Number(scores.vRandMerge.toFixed(4)),
    v_info_vs_in_memory: Number(scores.vInfo.toFixed(4)),
  };
}

export async function runBlockBench(small: boolean): Promise<void> {
  const shape: [number, number, number] = small ? [24, 1024, 1024] : [200, 4096, 4096];
  const folder = path.join(os.tmpdir(), `membrana-block-bench-${shape.join('x')}.ome.zarr`);
  console.error(`Synthetic OME-Zarr ${shape.join(' × ')} at ${folder}`);
  await syntheticStore(folder, shape);
  await ensurePyramid(folder, shape);
  const input = await openOmeLevelZero(folder);

  // Open it as the viewer does, then random whole slices at every scale, with RSS sampled.
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const openStart = performance.now();
  const image = await openOmeZarr(folder);
  const openSeconds = (performance.now() - openStart) / 1000;
  const reads = small ? 8 : 12;
  let bytes = 0;
  const perLevel: { level: number; mb_per_s: number }[] = [];
  const readStart = performance.now();
  for (const [level, scale] of image.levels.entries()) {
    const levelStart = performance.now();
    let levelBytes = 0;
    for (let i = 0; i < reads; i++) levelBytes += (await readSlice(scale, Math.floor(Math.random() * scale.shape[0]))).byteLength;
    bytes += levelBytes;
    perLevel.push({ level, mb_per_s: Math.round(levelBytes / 2 ** 20 / ((performance.now() - levelStart) / 1000)) });
  }
  const readSeconds = (performance.now() - readStart) / 1000;
  clearInterval(sampler);

  const predictor = await openPredictor(shippedModelDir());
  try {
    const region: [number, number, number] = [small ? 16 : 64, 512, 512];
    const source = regionOf(zarrSource(input.array), [0, Math.min(1024, shape[1] - 512), Math.min(1024, shape[2] - 512)], region);
    const output = path.join(os.tmpdir(), 'membrana-block-bench-prediction.ome.zarr');
    await rm(output, { recursive: true, force: true });
    // The halo `membrana predict` uses (the tile overlap plus a quarter).
    const grid = blockGrid(region, [1, CHUNK, CHUNK], { halo: blockHalo(predictor.meta) });
    const store = await createPredictionStore(output, { shape: region, chunks: [1, CHUNK, CHUNK], block: grid.block, halo: grid.halo, model: 'membrane', tta: false, maxTile: predictor.meta.tile.size }, input.multiscale, 'bench');
    const blockResult = await predictBlocks({ input: source, output: store, ledger: new BlockLedger(output), model: predictor, grid });
    const blockRate = (region[0] * region[1] * region[2]) / blockResult.seconds;

    const stack = { width: 512, height: 512, depth: 8, data: (await source.read([0, 8], [0, 512], [0, 512])) as Uint8Array };
    const memoryStart = performance.now();
    await predictVolume(stack, predictor);
    const memoryRate = (512 * 512 * 8) / ((performance.now() - memoryStart) / 1000);
    const segmentation = await benchBlockSegmentation(output, region);
    await rm(output, { recursive: true, force: true });

    const figures = {
      store: shape,
      provider: predictor.provider.description,
      peak_rss_mb_reading: Math.round(peak / 2 ** 20),
      open_seconds: Number(openSeconds.toFixed(3)),
      chunk_read_mb_per_s: Math.round(bytes / 2 ** 20 / readSeconds),
      read_mb_per_s_by_scale: perLevel,
      blockwise_px_per_s: Math.round(blockRate),
      in_memory_px_per_s: Math.round(memoryRate),
      blockwise_overhead_percent: Number(((memoryRate / blockRate - 1) * 100).toFixed(1)),
      blocks: blockResult.done.length,
      block: grid.block,
      halo: grid.halo,
      segmentation,
    };
    const rows: [string, string][] = [
      ['open', `${(openSeconds * 1000).toFixed(0)} ms`],
      ['random slices, every scale', `${figures.chunk_read_mb_per_s} MB/s (${perLevel.map((l) => `scale ${l.level}: ${l.mb_per_s}`).join(', ')}); peak RSS ${figures.peak_rss_mb_reading} MB (target < 1.5 GB)`],
      [`block-wise prediction ${region.join(' × ')}`, `${figures.blockwise_px_per_s.toLocaleString('en')} px/s in ${figures.blocks} blocks, halo ${grid.halo}, on ${figures.provider}`],
      ['in-memory 512² stack', `${figures.in_memory_px_per_s.toLocaleString('en')} px/s: block-wise overhead ${figures.blockwise_overhead_percent}% (target < 15%)`],
      [
        'block-wise segmentation',
        `${segmentation.blockwise_seconds} s (${segmentation.blockwise_voxels_per_s.toLocaleString('en')} voxels/s) vs ${segmentation.in_memory_seconds} s in memory; V_rand ${segmentation.v_rand_vs_in_memory}, ${segmentation.neurons_blockwise} = ${segmentation.neurons_in_memory} neurons`,
      ],
    ];
    console.log(`Block benchmark: synthetic ${shape.join(' × ')} uint8 OME-Zarr`);
    const pad = Math.max(...rows.map(([label]) => label.length));
    for (const [label, value] of rows) console.log(`${label.padEnd(pad)}  ${value}`);
    console.log(JSON.stringify(figures));
  } finally {
    await predictor.dispose();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { values } = parseArgs({ options: { small: { type: 'boolean', default: false } } });
  await runBlockBench(values.small);
}
