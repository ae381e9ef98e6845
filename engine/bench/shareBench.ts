#!/usr/bin/env node
/**
 * `node build/engine/bench/shareBench.js [--size 1536] [--depth 8] [--runs 1x1,1x2,2x1]`: block-wise
 * prediction as a cluster runs it, on this machine: N `membrana predict --blocks i/N --workers W`
 * processes started at once against one output store, for each N×W asked for. Prints the wall
 * time and px/s of each, and checks that every layout wrote the same bytes as the first one
 * (shares, workers and timing must not change a single voxel). The input is the built-in ISBI
 * sample tiled to size × size × depth, written as OME-Zarr (NGFF 0.4, 512² chunks).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { findAppRoot } from '../base/appRoot.js';
import { readVolume } from '../io/readVolume.js';
import { createOmeZarr } from '../zarr/omeZarr.js';
import { writeRegion } from '../zarr/readRegion.js';

const { values } = parseArgs({ options: { size: { type: 'string', default: '1536' }, depth: { type: 'string', default: '8' }, runs: { type: 'string', default: '1x1,1x2,2x1' } } });
const size = Number(values.size);
const depth = Number(values.depth);
const runs = values.runs.split(',').map((run) => {
  const [jobs, workers] = run.split('x').map(Number) as [number, number];
  if (!(jobs >= 1 && workers >= 1)) throw new Error(`--runs takes JOBSxWORKERS pairs such as 4x4, not "${run}".`);
  return { jobs, workers };
});

const root = findAppRoot();
const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'membrana.js');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'membrana-share-bench-'));
try {
  const sample = await readVolume(path.join(root, 'assets', 'sample', 'isbi2012-test-crop.tif'));
  const input = path.join(tmp, 'in.ome.zarr');
  const image = await createOmeZarr(input, { shape: [depth, size, size], dtype: 'uint8', chunks: [1, 512, 512], version: 2, levels: 1, voxelSize: { x: 4, y: 4, z: 50, unit: 'nm' } });
  const plane = new Uint8Array(size * size);
  for (let z = 0; z < depth; z++) {
    const from = (z % sample.depth) * sample.width * sample.height;
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) plane[y * size + x] = sample.data[from + (y % sample.height) * sample.width + (x % sample.width)]!;
    await writeRegion(image.levels[0]!, { z: [z, z + 1], y: [0, size], x: [0, size] }, plane);
  }
  const pixels = size * size * depth;
  console.log(`Share benchmark: ${size} × ${size} × ${depth} (${(pixels / 1e6).toFixed(1)} M px), ${os.availableParallelism()} cores; N processes × W workers each, started at once on one store`);
  let reference: string | null = null;
  for (const { jobs, workers } of runs) {
    const output = path.join(tmp, `out-${jobs}x${workers}.ome.zarr`);
    const started = performance.now();
    await Promise.all(Array.from({ length: jobs }, (_, share) => runJob([cli, 'predict', input, '-o', output, '--blocks', `${share}/${jobs}`, '--workers', String(workers)])));
    const seconds = (performance.now() - started) / 1000;
    const digest = await levelDigest(path.join(output, '0'));
    reference ??= digest;
    console.log(`${`${jobs} × ${workers}`.padEnd(8)} ${seconds.toFixed(1).padStart(7)} s  ${Math.round(pixels / seconds).toLocaleString('en').padStart(11)} px/s  same bytes as the first: ${digest === reference ? 'yes' : 'NO'}`);
    console.log(JSON.stringify({ share_bench: { jobs, workers, seconds: Number(seconds.toFixed(2)), px_per_s: Math.round(pixels / seconds), same_bytes: digest === reference } }));
    await rm(output, { recursive: true, force: true });
  }
} finally {
  await rm(tmp, { recursive: true, force: true });
}

/** Runs `node args…`, rejecting with its stderr when it fails. */
function runJob(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-2000)));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`membrana ${args.slice(1).join(' ')} exited ${code}: ${errors}`))));
  });
}

/** A hash of every chunk file of a level, by name, so layouts can be compared byte for byte. */
async function levelDigest(level: string): Promise<string> {
  const hash = createHash('sha256');
  const names = (await readdir(level, { recursive: true })).filter((name) => !name.split(path.sep).some((part) => part.startsWith('.'))).sort();
  for (const name of names) {
    const data = await readFile(path.join(level, name)).catch(() => null);
    if (!data) continue;
    hash.update(name);
    hash.update(data);
  }
  return hash.digest('hex');
}
