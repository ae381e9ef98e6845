/**
 * SIGKILL trials of serve mode while editing (e2e/killTrial.ts): every acknowledged correction
 * and segment edit must be there after a restart, bit for bit, and nothing half-applied. A few
 * trials run in `npm test`; `npm run kill-trials` runs 100 (MEMBRANA_KILL_TRIALS sets the count,
 * MEMBRANA_KILL_SEED the first seed). Needs the build (`npm run build`).
 */
import { mkdir, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOURNAL_MAGIC } from '../engine/project/journalFormat.js';
import { ARTIFACTS } from './launchServe.js';
import { KillTrialRunner, type TrialKind, type TrialReport } from './killTrial.js';

const requested = Number(process.env.MEMBRANA_KILL_TRIALS ?? '');
const long = Number.isInteger(requested) && requested > 0;
const firstSeed = Number(process.env.MEMBRANA_KILL_SEED ?? '') || 1;
/** The short run: 3 corrections trials and 2 segment trials with fewer calls each. */
const plan: { kind: TrialKind; seed: number }[] = long
  ? Array.from({ length: requested }, (_, k) => ({ kind: k % 2 === 0 ? 'corrections' : 'segments', seed: firstSeed + k }))
  : [
      { kind: 'corrections', seed: firstSeed },
      { kind: 'segments', seed: firstSeed + 1 },
      { kind: 'corrections', seed: firstSeed + 2 },
      { kind: 'segments', seed: firstSeed + 3 },
      { kind: 'corrections', seed: firstSeed + 4 },
    ];
const maxCalls = long ? 250 : 60;
/** MEMBRANA_KILL_STRICT=1 sends segment edits whatever is in flight (see planSegmentEdit). */
const arrivalSafe = process.env.MEMBRANA_KILL_STRICT !== '1';

let work: string;
let prepared: string;
let runner: KillTrialRunner;
const reports: TrialReport[] = [];

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'membrana-kill-'));
  prepared = path.join(work, 'prepared');
  const started = performance.now();
  runner = new KillTrialRunner(work);
  await runner.prepare(prepared, true);
  console.log(`kill trials: prepared a predicted, segmented project in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}, 600_000);

afterAll(async () => {
  await runner?.close();
  const failed = reports.filter((r) => r.failures.length > 0);
  const summary = {
    trials: reports.length,
    byKind: Object.fromEntries((['corrections', 'segments'] as const).map((kind) => [kind, reports.filter((r) => r.kind === kind).length])),
    acknowledged: reports.reduce((sum, r) => sum + r.acknowledged, 0),
    inFlightAtKill: reports.reduce((sum, r) => sum + r.inFlightAtKill, 0),
    trialsWithCallsInFlight: reports.filter((r) => r.inFlightAtKill > 0).length,
    recoveredBeyondAcknowledged: reports.filter((r) => r.recoveredAfter !== null && r.recoveredAfter > r.lastAcknowledged).length,
    repairedJournals: reports.filter((r) => r.repaired).length,
    failedTrials: failed.map((r) => ({ kind: r.kind, seed: r.seed, failures: r.failures })),
    seconds: Math.round(reports.reduce((sum, r) => sum + r.seconds, 0)),
  };
  console.log(`kill trials: ${JSON.stringify(summary)}`);
  await mkdir(ARTIFACTS, { recursive: true });
  await writeFile(path.join(ARTIFACTS, long ? 'kill-trials-long.json' : 'kill-trials.json'), JSON.stringify({ summary, reports }, null, 1));
  // A failed trial's project copy is kept for a look; the rest goes.
  if (failed.length === 0) await rm(work, { recursive: true, force: true });
  else console.log(`kill trials: failed trials' projects are in ${work}`);
});

describe('SIGKILL of serve mode while editing', () => {
  for (const { kind, seed } of plan) {
    it(`loses no acknowledged ${kind === 'corrections' ? 'correction' : 'segment edit'} (seed ${seed})`, async () => {
      const report = await runner.trial({ kind, seed, prepared, maxCalls, arrivalSafe });
      reports.push(report);
      const { sent, acknowledged, inFlightAtKill, maxInFlight, lastAcknowledged, recoveredAfter, phases } = report;
      console.log(`kill trial ${kind} ${seed}: ${JSON.stringify({ sent, acknowledged, inFlightAtKill, maxInFlight, lastAcknowledged, recoveredAfter, phases })}`);
      expect(report.failures).toEqual([]);
      expect(report.recoveredAfter).not.toBeNull();
      expect(report.recoveredAfter!).toBeGreaterThanOrEqual(report.lastAcknowledged);
      expect(report.recoveredAfter!).toBeLessThanOrEqual(report.sent);
    }, 120_000);
  }

  it('notices lost acknowledged edits: a trial whose journal is emptied between kill and restart fails', async () => {
    const report = await runner.trial({
      kind: 'corrections',
      seed: firstSeed + 1000,
      prepared,
      maxCalls,
      afterKill: (dir) => truncate(path.join(dir, 'journal.bin'), JOURNAL_MAGIC.byteLength),
    });
    expect(report.lastAcknowledged).toBeGreaterThan(0);
    expect(report.failures.join('\n')).toMatch(/match no state after/);
  }, 120_000);
});
