#!/usr/bin/env node
/**
 * Part of `npm run bench`: a project over a 100 GB OME-Zarr volume. The volume is 6,400 slices
 * of 4096² uint8 (107 GB) whose chunks are never written (Zarr reads them as the fill value),
 * so the figure is about what opening reads, not about this disk. The project gets 2,000
 * correction strokes spread over 200 slices; then it is closed and opened again, as the engine
 * does (project.json, the volume's metadata, the journal replayed, corrections.ome.zarr
 * checked). Prints the open time, the memory it took and the bytes one edit wrote.
 * Target: about a second.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EngineService } from '../service/EngineService.js';
import { shippedModelDir } from '../model/modelFolder.js';
import { CORRECTIONS_ZARR } from '../project/CorrectionChunks.js';
import { MEMBRANE } from '../project/CorrectionLayer.js';
import { Project } from '../project/ProjectStore.js';
import { createOmeZarr } from '../zarr/omeZarr.js';

const SHAPE: [number, number, number] = [6400, 4096, 4096];
const STROKES = 2000;

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir, { recursive: true })) {
    const info = await stat(path.join(dir, name));
    if (info.isFile()) total += info.size;
  }
  return total;
}

const root = await mkdtemp(path.join(os.tmpdir(), 'membrana-open-bench-'));
try {
  const volume = path.join(root, 'huge.ome.zarr');
  await createOmeZarr(volume, { shape: SHAPE, dtype: 'uint8', chunks: [64, 256, 256], version: 2, voxelSize: { x: 4, y: 4, z: 40, unit: 'nanometer' } });
  const dir = path.join(root, 'project');
  const project = await Project.createOverOmeZarr(dir, volume, shippedModelDir());
  // Strokes of 400 pixels (a 20 × 20 dab) at random places on 200 slices.
  let seed = 3;
  const random = (n: number): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
  const [, height, width] = SHAPE;
  let oneEditBytes = 0;
  for (let k = 0; k < STROKES; k++) {
    const z = random(200) * 32;
    const x0 = random(width - 20), y0 = random(height - 20);
    const indices = Uint32Array.from({ length: 400 }, (_, i) => (y0 + Math.floor(i / 20)) * width + x0 + (i % 20));
    await project.corrections.paint(z, indices, MEMBRANE, 'brush');
    if (k === 0) {
      await project.correctionChunks.flush();
      oneEditBytes = await folderBytes(path.join(dir, CORRECTIONS_ZARR, '0'));
    }
  }
  await project.close();
  const journalBytes = (await stat(path.join(dir, 'journal.bin'))).size;

  const rssBefore = process.memoryUsage().rss;
  let started = performance.now();
  const reopened = await Project.open(dir);
  const openMs = performance.now() - started;
  const rssAfter = process.memoryUsage().rss;
  const labelled = reopened.corrections.labelledSlices().length;
  await reopened.close();

  // The whole engine path: openProject registers the volume for tiles too.
  const engine = new EngineService({ host: 'serve', configDir: path.join(root, 'config') });
  started = performance.now();
  const info = await engine.handlers.openProject({ dir }, { signal: new AbortController().signal, progress: () => undefined });
  const engineMs = performance.now() - started;
  await engine.dispose();

  const gb = (SHAPE[0] * SHAPE[1] * SHAPE[2]) / 1e9;
  console.log(`Project open benchmark: a project over a ${SHAPE[2]} × ${SHAPE[1]} × ${SHAPE[0]} uint8 OME-Zarr (${gb.toFixed(0)} GB), ${STROKES} strokes on ${labelled} slices (journal ${(journalBytes / 1e6).toFixed(1)} MB)`);
  const rows: [string, string][] = [
    ['Project.open', `${openMs.toFixed(0)} ms, +${((rssAfter - rssBefore) / 2 ** 20).toFixed(0)} MB RSS (target about 1 s)`],
    ['engine openProject', `${engineMs.toFixed(0)} ms (${info.volume.kind === 'tiled' ? info.volume.levels.length : 1} scales, ${info.labelledSlices.length} corrected slices)`],
    ['one 400-pixel edit wrote', `${oneEditBytes.toLocaleString('en')} bytes of label chunks (one 256² chunk, gzip) + its journal record`],
  ];
  const pad = Math.max(...rows.map(([label]) => label.length));
  for (const [label, value] of rows) console.log(`${label.padEnd(pad)}  ${value}`);
  console.log(JSON.stringify({ project_open: { volume_gb: Number(gb.toFixed(1)), strokes: STROKES, open_ms: Math.round(openMs), engine_open_ms: Math.round(engineMs), rss_mb: Math.round((rssAfter - rssBefore) / 2 ** 20), edit_chunk_bytes: oneEditBytes } }));
} finally {
  await rm(root, { recursive: true, force: true });
}
