import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { findAppRoot } from '../base/appRoot.js';
import { shippedModelDir } from '../model/modelFolder.js';
import { FULL_CAMPAIGN, generateFuzzInputs, type FuzzCommand, type FuzzFixtures, type FuzzInput } from './fuzzInputs.js';
import { judgeRun, type Verdict } from './judgeRun.js';
import { runLimited, type LimitedRun } from './runLimited.js';

/** Limits every run gets: the budget makes the engine's memory checks bite well below the cap. */
export const RUN_LIMITS = { seconds: 90, rssBytes: 2.5 * 2 ** 30, heapMiB: 1536, budget: '1GiB' };

export interface RunRecord {
  input: string;
  kind: FuzzInput['kind'];
  expect: FuzzInput['expect'];
  note: string;
  command: FuzzCommand;
  code: number | null;
  signal: string | null;
  seconds: number;
  peakRssMiB: number;
  verdict: Verdict;
  /** The first lines of stderr, for the report. */
  message: string;
  leftovers: string[];
}

/** The argument list of one command on one input, writing under `out`. */
export function commandArgs(input: FuzzInput, command: FuzzCommand, fixtures: FuzzFixtures, out: string): string[] {
  const zarr = input.kind === 'ome-zarr';
  switch (command) {
    case 'predict':
      if (input.kind === 'model') return ['predict', fixtures.image, '-o', path.join(out, 'prediction.tif'), '--model', input.path, '--workers', '1'];
      return ['predict', input.path, '-o', path.join(out, zarr ? 'prediction.ome.zarr' : 'prediction.tif'), '--workers', '1'];
    case 'evaluate':
      return ['evaluate', input.path, fixtures.labels];
    case 'segment':
      return ['segment', input.path, '-o', path.join(out, zarr ? 'segments.ome.zarr' : 'segments.tif')];
    case 'mesh':
      return ['mesh', input.path, '-o', path.join(out, 'meshes'), '--format', 'obj'];
    case 'import':
      return ['import', input.path, '-o', path.join(out, 'imported.ome.zarr')];
  }
}

async function listAll(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  return entries.map(String).sort();
}

/** Runs one command on one input in a fresh output folder and judges it. */
export async function runOne(input: FuzzInput, command: FuzzCommand, fixtures: FuzzFixtures, runsDir: string, cli: string): Promise<RunRecord> {
  const out = path.join(runsDir, `${input.id}.${command}`);
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const env = { ...process.env, MEMBRANA_MEMORY_BUDGET: RUN_LIMITS.budget, MEMBRANA_DEBUG: '' };
  const run: LimitedRun = await runLimited(process.execPath, [`--max-old-space-size=${RUN_LIMITS.heapMiB}`, cli, ...commandArgs(input, command, fixtures, out)], { seconds: RUN_LIMITS.seconds, rssBytes: RUN_LIMITS.rssBytes, env });
  const leftovers = await listAll(out);
  const verdict = judgeRun(input, run, leftovers);
  if (verdict.problems.length === 0) await rm(out, { recursive: true, force: true });
  return {
    input: input.id,
    kind: input.kind,
    expect: input.expect,
    note: input.note,
    command,
    code: run.code,
    signal: run.signal,
    seconds: Number(run.seconds.toFixed(2)),
    peakRssMiB: Math.round(run.peakRss / 2 ** 20),
    verdict,
    message: run.stderr.split('\n').slice(0, 6).join('\n').slice(0, 600),
    leftovers: leftovers.slice(0, 10),
  };
}

/** Runs `tasks` with at most `jobs` at a time, in order of start. */
export async function runPool<T>(tasks: (() => Promise<T>)[], jobs: number, onDone?: (result: T, index: number) => void): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]!();
      onDone?.(results[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, tasks.length) }, worker));
  return results;
}

/** Figures for the report: runs per outcome and problem, and the share of refusals naming the input. */
export function summarize(inputs: number, records: RunRecord[]): Record<string, unknown> {
  const count = (test: (r: RunRecord) => boolean) => records.filter(test).length;
  const refused = records.filter((r) => r.verdict.outcome === 'refused');
  const named = refused.filter((r) => !r.verdict.problems.includes('unnamed')).length;
  const problems: Record<string, number> = {};
  for (const r of records) for (const p of r.verdict.problems) problems[p] = (problems[p] ?? 0) + 1;
  return {
    inputs,
    runs: records.length,
    refused: refused.length,
    accepted: count((r) => r.verdict.outcome === 'accepted'),
    crashes: count((r) => r.verdict.outcome === 'crash'),
    hangs: count((r) => r.verdict.outcome === 'hang'),
    runawayMemory: count((r) => r.verdict.outcome === 'memory'),
    namingInputPercent: refused.length === 0 ? 100 : Number(((100 * named) / refused.length).toFixed(1)),
    problems,
    failedRuns: count((r) => r.verdict.problems.length > 0),
    peakRssMiB: Math.max(0, ...records.map((r) => r.peakRssMiB)),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { seed: { type: 'string' }, jobs: { type: 'string' }, dir: { type: 'string' }, only: { type: 'string' }, cli: { type: 'string' }, keep: { type: 'boolean', default: false } },
  });
  const seed = values.seed === undefined ? FULL_CAMPAIGN.seed : Number(values.seed);
  const jobs = values.jobs === undefined ? Math.max(1, Math.min(4, os.cpus().length)) : Number(values.jobs);
  const root = values.dir ? path.resolve(values.dir) : await mkdtemp(path.join(os.tmpdir(), 'membrana-fuzz-'));
  const cli = values.cli ? path.resolve(values.cli) : path.join(findAppRoot(), 'bin', 'membrana.js');
  console.error(`Generating inputs (seed ${seed}) in ${root}`);
  const only = values.only ? new RegExp(values.only) : undefined;
  const { inputs: chosen, fixtures } = await generateFuzzInputs(path.join(root, 'generated'), { ...FULL_CAMPAIGN, seed, modelDir: shippedModelDir(), ...(only ? { only: (id: string) => only.test(id) } : {}) });
  const tasks = chosen.flatMap((input) => input.commands.map((command) => () => runOne(input, command, fixtures, path.join(root, 'runs'), cli)));
  console.error(`${chosen.length} inputs, ${tasks.length} runs, ${jobs} at a time`);
  let done = 0;
  const finished: RunRecord[] = [];
  const report = (records: RunRecord[], complete: boolean) =>
    writeFile(path.join(root, 'report.json'), `${JSON.stringify({ seed, cli, complete, limits: RUN_LIMITS, summary: summarize(chosen.length, records), records }, null, 1)}\n`);
  const records = await runPool(tasks, jobs, (record) => {
    done++;
    finished.push(record);
    if (record.verdict.problems.length > 0) console.error(`  ${record.input} ${record.command}: ${record.verdict.problems.join(', ')} — ${record.message.split('\n')[0]}`);
    // A partial report now and then, so a campaign stopped early still has its figures.
    if (done % 100 === 0) {
      console.error(`${done} of ${tasks.length} runs`);
      void report(finished, false);
    }
  });
  const summary = summarize(chosen.length, records);
  await report(records, true);
  console.log(JSON.stringify(summary));
  console.error(`Report: ${path.join(root, 'report.json')}`);
  if (!values.keep) await rm(path.join(root, 'generated'), { recursive: true, force: true });
  process.exitCode = (summary.failedRuns as number) > 0 ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
