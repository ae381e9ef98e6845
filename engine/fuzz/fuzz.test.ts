import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAppRoot } from '../base/appRoot.js';
import { shippedModelDir } from '../model/modelFolder.js';
import { runOne, runPool, summarize, type RunRecord } from './fuzzCampaign.js';
import { FULL_CAMPAIGN, generateFuzzInputs, type FuzzCommand, type FuzzFixtures, type FuzzInput } from './fuzzInputs.js';

/*
 * The quick part of the fuzz campaign (`npm run fuzz` runs all of it): inputs that once crashed,
 * hung or ran away with memory, each through one command of the built CLI, judged as the
 * campaign judges them: refused with exit 1, the input named, no stack trace, within the memory
 * cap and time limit, nothing left in the output folder.
 */
const QUICK: Record<string, FuzzCommand> = {
  'huge-page-100000.tif': 'import',
  'huge-page-honest-count.tif': 'import',
  'huge-tag-count.tif': 'import',
  'bigtiff-huge-entry-count.tif': 'import',
  'no-pages.tif': 'import',
  'huge-float64-deflate.tif': 'evaluate',
  'swapped-bigtiff.tif': 'segment',
  'imagej-million-images.tif': 'mesh',
  'dev-zero.tif': 'segment',
  'fifo.tif': 'evaluate',
  'socket.tif': 'import',
  'png-huge-ihdr': 'evaluate',
  'png-dev-zero': 'import',
  'zarr2-huge-shape-image': 'segment',
  'zarr3-huge-shape-label': 'mesh',
  'zarr2-dtype-u2': 'predict',
  'zarr3-float64': 'segment',
  'zarr3-root-array': 'predict',
  'zarr2-chunk-dev-zero-label': 'mesh',
  'model-weights-nan': 'predict',
  'model-meta-minmax': 'predict',
};

const cli = path.join(findAppRoot(), 'bin', 'membrana.js');
const built = existsSync(path.join(findAppRoot(), 'build', 'engine', 'cli', 'membrana.js'));

describe('fuzz campaign, quick part', () => {
  let root: string;
  let inputs: FuzzInput[];
  let fixtures: FuzzFixtures;
  let records: RunRecord[];

  beforeAll(async () => {
    // The campaign runs the built CLI: npm test builds it first (npm run build:node by hand).
    expect(built, 'build/engine/cli/membrana.js is missing: run `npm run build:node` first').toBe(true);
    root = await mkdtemp(path.join(os.tmpdir(), 'membrana-fuzz-quick-'));
    ({ inputs, fixtures } = await generateFuzzInputs(path.join(root, 'generated'), { ...FULL_CAMPAIGN, modelDir: shippedModelDir(), only: (id) => id in QUICK }));
    records = await runPool(
      inputs.map((input) => () => runOne(input, QUICK[input.id]!, fixtures, path.join(root, 'runs'), cli)),
      Math.min(3, os.cpus().length),
    );
  }, 180_000);
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('generates every chosen input', () => {
    expect(inputs.map((input) => input.id).sort()).toEqual(Object.keys(QUICK).sort());
  });

  it('refuses each one cleanly: exit 1, the input named, no stack trace, no crash, hang, runaway memory or leftover', () => {
    const failures = records.filter((r) => r.verdict.problems.length > 0).map((r) => `${r.input} ${r.command}: ${r.verdict.problems.join(', ')} — ${r.message.split('\n').at(-1)}`);
    expect(failures).toEqual([]);
    const summary = summarize(inputs.length, records);
    expect(summary).toMatchObject({ runs: Object.keys(QUICK).length, refused: Object.keys(QUICK).length, crashes: 0, hangs: 0, runawayMemory: 0, namingInputPercent: 100 });
  });
});
