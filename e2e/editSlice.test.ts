import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOURNAL_MAGIC, parseJournal, type EditRecord } from '../engine/project/journalFormat.js';
import { floodFill, membraneBarrier } from '../renderer/src/lib/paint/floodFill.js';
import { imageToPage } from './imageToPage.js';
import { ARTIFACTS } from './launchServe.js';
import { openSampleProject, type SampleProject } from './sampleProject.js';

// Edits land on the slice the user moved to. On the built-in sample (384 × 384 × 16, predicted):
// 200 rounds of 1–4 arrow presses sent as fast as the browser takes them, each followed at once
// by an edit (brush strokes and fill clicks in turn), while the slices load. Every edit must be
// in journal.bin, on the slice the presses led to: none on a slice in between, none lost. All 16
// slices, not fewer: the views keep 8 slices in memory, and the race needs slices to load.

const ROUNDS = 200;
const SIZE = 384;
const DEPTH = 16;
/** The overlay's default membrane threshold (a fill stops where the prediction reaches it). */
const THRESHOLD = 128;

let sample: SampleProject;
let page: Page;
let projectDir: string;

beforeAll(async () => {
  sample = await openSampleProject('edit-slice', { width: 1400, height: 900 });
  ({ page, projectDir } = sample);
}, 90_000);

afterAll(async () => {
  await sample?.close();
});

/** A small seeded generator, so a failing run can be repeated exactly. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * Points where a fill click makes a closed, non-empty region on slice z: one seed per cell the
 * stored prediction closes (under a quarter of the slice, the app's leak limit), away from the
 * band at the top where the brush strokes go, each with its 3 × 3 neighbourhood inside the cell.
 */
function fillSeeds(z: number): number[] {
  const prediction = new Uint8Array(readFileSync(path.join(projectDir, 'predictions', 'v1', `${String(z).padStart(5, '0')}.u8`)));
  const barrier = membraneBarrier(prediction, null, THRESHOLD);
  const seen = new Uint8Array(SIZE * SIZE);
  const seeds: number[] = [];
  for (let y = 64; y < SIZE - 4; y += 3) {
    for (let x = 4; x < SIZE - 4; x += 3) {
      const i = y * SIZE + x;
      if (seen[i]) continue;
      let open = true;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) open &&= barrier[i + dy * SIZE + dx] === 0;
      if (!open) continue;
      const { indices, truncated } = floodFill(i, barrier, SIZE, SIZE, (SIZE * SIZE) / 4);
      for (const j of indices) seen[j] = 1;
      if (!truncated && indices.length >= 40) seeds.push(i);
    }
  }
  return seeds;
}

interface Round {
  presses: number;
  key: 'ArrowRight' | 'ArrowLeft';
  z: number;
  tool: 'brush' | 'fill';
  /** The pixel (y * SIZE + x) the edit must cover: the stroke's middle, or the fill's seed. */
  marker: number;
}

/** The rounds: presses that keep inside the stack, brush strokes in a band at the top (each at its own place), fills on unused cells. */
function plan(pools: number[][]): Round[] {
  const next = random(13);
  const rounds: Round[] = [];
  let z = 0;
  let strokes = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const presses = 1 + Math.floor(next() * 4);
    const right = z + presses > DEPTH - 1 ? false : z - presses < 0 ? true : next() < 0.5;
    z += right ? presses : -presses;
    const pool = pools[z]!;
    if (r % 2 === 1 && pool.length > 0) {
      rounds.push({ presses, key: right ? 'ArrowRight' : 'ArrowLeft', z, tool: 'fill', marker: pool.splice(Math.floor(next() * pool.length), 1)[0]! });
    } else {
      // 4 rows × 26 places: every stroke of the run has its own, so each changes pixels.
      const x = 10 + (strokes % 26) * 14;
      const y = 6 + Math.floor(strokes / 26) * 12;
      strokes++;
      rounds.push({ presses, key: right ? 'ArrowRight' : 'ArrowLeft', z, tool: 'brush', marker: y * SIZE + x });
    }
  }
  return rounds;
}

describe('edits land on the slice the user moved to', () => {
  it(`${ROUNDS} rounds of quick arrow presses, each followed at once by an edit: every edit on its slice, none lost`, async () => {
    const predictStart = Date.now();
    await page.getByTestId('predict-all').click();
    await page.getByTestId('job').waitFor({ timeout: 10_000 });
    await page.getByTestId('job').waitFor({ state: 'detached', timeout: 120_000 });
    const predictSeconds = (Date.now() - predictStart) / 1000;
    const hide = page.getByRole('button', { name: 'Hide contrast panel' });
    if (await hide.isVisible()) await hide.click();

    const pools = Array.from({ length: DEPTH }, (_, z) => fillSeeds(z));
    for (const [z, pool] of pools.entries()) expect(pool.length, `closed cells on slice ${z}`).toBeGreaterThan(8);
    const rounds = plan(pools);
    const toPage = await imageToPage(page);
    await page.evaluate(() => {
      (document.activeElement as HTMLElement | null)?.blur();
      performance.clearMarks();
    });
    await expect.poll(() => page.getByTestId('slice-label').innerText()).toMatch(/z 0\b/);

    const started = Date.now();
    let tool: Round['tool'] | null = null;
    for (const round of rounds) {
      if (round.tool !== tool) await page.keyboard.press(round.tool === 'brush' ? 'b' : 'g');
      tool = round.tool;
      const mx = round.marker % SIZE;
      const my = Math.floor(round.marker / SIZE);
      const from = toPage(round.tool === 'brush' ? mx - 3 : mx, my);
      await page.mouse.move(from.x, from.y);
      for (let k = 0; k < round.presses; k++) await page.keyboard.press(round.key);
      if (round.tool === 'fill') {
        await page.mouse.down();
        await page.mouse.up();
      } else {
        const to = toPage(mx + 3, my);
        await page.mouse.down();
        await page.mouse.move(to.x, to.y, { steps: 2 });
        await page.mouse.up();
      }
    }
    const roundsSeconds = (Date.now() - started) / 1000;
    await page.getByTestId('save-state').filter({ hasText: 'All edits saved' }).waitFor({ timeout: 30_000 });
    const waited = await page.evaluate(() => performance.getEntriesByName('membrana-edit-waits').length);
    await page.screenshot({ path: path.join(ARTIFACTS, 'edit-slice-after-rounds.png') });

    const bytes = new Uint8Array(readFileSync(path.join(projectDir, 'journal.bin')));
    expect(Buffer.from(bytes.subarray(0, JOURNAL_MAGIC.length)).equals(Buffer.from(JOURNAL_MAGIC))).toBe(true);
    const edits = parseJournal(bytes).records.filter((r): r is EditRecord => r.kind === 'edit');
    // Each round's edit: the journaled edit of its tool, on its slice, that covers its marker.
    const used = new Set<EditRecord>();
    const problems: string[] = [];
    rounds.forEach((round, r) => {
      const mine = edits.find((e) => !used.has(e) && e.tool === round.tool && e.z === round.z && e.indices.includes(round.marker));
      if (mine) {
        used.add(mine);
        return;
      }
      const elsewhere = edits.filter((e) => e.tool === round.tool && e.z !== round.z && e.indices.includes(round.marker)).map((e) => e.z);
      problems.push(`round ${r} (${round.presses} × ${round.key}, ${round.tool} at ${round.marker % SIZE}, ${Math.floor(round.marker / SIZE)}): not on slice ${round.z}${elsewhere.length ? `; found on slice ${elsewhere.join(', ')}` : ' nor anywhere: lost'}`);
    });
    console.log(
      `Wrong-slice test: ${ROUNDS} rounds (${rounds.filter((r) => r.tool === 'fill').length} fills, ${rounds.filter((r) => r.tool === 'brush').length} strokes, ${rounds.reduce((n, r) => n + r.presses, 0)} arrow presses) in ${roundsSeconds.toFixed(1)} s; ${waited} edits were made before their slice had loaded and waited for it; ${edits.length} edits journaled, ${problems.length} wrong or lost (prediction of ${DEPTH} slices took ${predictSeconds.toFixed(1)} s)`,
    );
    expect(problems, problems.join('\n')).toEqual([]);
    expect(edits).toHaveLength(ROUNDS);
    // The race was met: some edits were made while their slice was still loading, and waited for it.
    expect(waited, 'no edit was made before its slice loaded, so the rounds did not test the race').toBeGreaterThan(0);
    expect(await page.getByTestId('error').count()).toBe(0);
    expect(sample.pageErrors, sample.pageErrors.join('\n')).toEqual([]);
  }, 240_000);
});
