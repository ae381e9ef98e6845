import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageToPage } from './imageToPage.js';
import { ARTIFACTS } from './launchServe.js';
import { openSampleProject, type SampleProject } from './sampleProject.js';
import { showTab } from './workspaceChecks.js';

// The neuron split tools end to end, in Chromium against serve mode on the built-in sample
// (384 × 384 × 16): segment it (Segment predicts the slices first), select a segment, split it
// with the seed tool (J, two clicks inside it, Enter), undo and redo the split, then draw a cut
// line (K) that stays inside a segment: the app says the cut did not separate it and changes
// nothing. Screenshots at 1366 × 768 and 1920 × 1080 into e2e/artifacts/neuron-split-*.png.

let sample: SampleProject;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  sample = await openSampleProject('neuron-split', { width: 1366, height: 768 });
  ({ page, pageErrors } = sample);
}, 60_000);

afterAll(async () => {
  await sample?.close();
});

/** An image pixel of slice 0. */
interface Pixel {
  x: number;
  y: number;
}

/** The neuron under an image pixel, from the status line: its id (0 on a boundary, null while unknown) and voxel count. */
interface Neuron {
  id: number | null;
  voxels: number;
}

const neuronCount = async (): Promise<number> => Number(/(\d+) from/.exec(await page.getByTestId('neuron-count').innerText())?.[1] ?? -1);

let toPage: (x: number, y: number) => { x: number; y: number };

async function neuronAt(pixel: Pixel): Promise<Neuron> {
  const at = toPage(pixel.x, pixel.y);
  await page.mouse.move(at.x, at.y);
  const text = await page.getByTestId('status-segment').innerText();
  if (text.includes('boundary')) return { id: 0, voxels: 0 };
  const match = /#(\d+)(?: · ([\d,]+) vx)?/.exec(text);
  return match ? { id: Number(match[1]), voxels: Number((match[2] ?? '0').replaceAll(',', '')) } : { id: null, voxels: 0 };
}

/** The neuron under a pixel once the status line knows it (its slice of ids may still be loading). */
async function knownNeuronAt(pixel: Pixel): Promise<Neuron> {
  let neuron: Neuron = { id: null, voxels: 0 };
  await expect.poll(async () => (neuron = await neuronAt(pixel)).id !== null && neuron.voxels > 0, { timeout: 10_000 }).toBe(true);
  return neuron;
}

async function clickPixel(pixel: Pixel): Promise<void> {
  const at = toPage(pixel.x, pixel.y);
  await page.mouse.click(at.x, at.y);
}

/** Drags a line between two image pixels with the tool in hand. */
async function dragPixels(from: Pixel, to: Pixel): Promise<void> {
  const a = toPage(from.x, from.y);
  const b = toPage(to.x, to.y);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 8 });
  await page.mouse.up();
}

async function shot(name: string): Promise<void> {
  await page.mouse.move(0, 0);
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(ARTIFACTS, `neuron-split-${name}.png`) });
}

/**
 * The biggest neuron on slice 0 as a grid over the image sees it, and two pixels well inside it,
 * far apart: grid points whose four neighbours (a grid step away) lie in the same neuron.
 */
async function findSeeds(): Promise<{ id: number; seeds: [Pixel, Pixel] }> {
  const step = 16;
  const ids = new Map<string, number>();
  for (let y = 32; y <= 352; y += step) for (let x = 32; x <= 352; x += step) ids.set(`${x},${y}`, (await neuronAt({ x, y })).id ?? 0);
  const inside = new Map<number, Pixel[]>();
  for (let y = 32 + step; y <= 352 - step; y += step) {
    for (let x = 32 + step; x <= 352 - step; x += step) {
      const id = ids.get(`${x},${y}`)!;
      if (id === 0) continue;
      if ([`${x - step},${y}`, `${x + step},${y}`, `${x},${y - step}`, `${x},${y + step}`].every((key) => ids.get(key) === id)) inside.set(id, [...(inside.get(id) ?? []), { x, y }]);
    }
  }
  const [id, pixels] = [...inside].sort((a, b) => b[1].length - a[1].length)[0] ?? [0, []];
  if (pixels.length < 2) throw new Error(`No neuron on slice 0 holds two grid points well inside it (${inside.size} neurons with one).`);
  let best: [Pixel, Pixel] = [pixels[0]!, pixels[1]!];
  const distance = ([a, b]: [Pixel, Pixel]): number => Math.hypot(a.x - b.x, a.y - b.y);
  for (const a of pixels) for (const b of pixels) if (distance([a, b]) > distance(best)) best = [a, b];
  return { id, seeds: best };
}

let before = 0;
let original: Neuron;
let seeds: [Pixel, Pixel];

describe('splitting neurons in Chromium', () => {
  it('segments the sample, predicting it first', async () => {
    await showTab(page, 'neurons');
    await page.getByTestId('segment').click();
    await page.getByTestId('neuron-job').waitFor({ timeout: 10_000 });
    await page.getByTestId('neuron-job').waitFor({ state: 'detached', timeout: 80_000 });
    before = await neuronCount();
    expect(before).toBeGreaterThan(5);
  }, 90_000);

  it('splits a selected neuron in two with two seeds (J, clicks, Enter), and undoes and redoes it', async () => {
    toPage = await imageToPage(page);
    const found = await findSeeds();
    seeds = found.seeds;
    original = await knownNeuronAt(seeds[0]);
    expect(original.id).toBe(found.id);

    // Select it: the panel shows it.
    await page.keyboard.press('s');
    await clickPixel(seeds[0]);
    const selected = page.getByTestId('segment-selected');
    await expect.poll(() => selected.innerText()).toContain(`#${original.id}`);
    expect(await selected.innerText()).toContain(`${original.voxels.toLocaleString('en')} voxels`);

    // Two seeds inside it, then Enter.
    await page.keyboard.press('j');
    await clickPixel(seeds[0]);
    await clickPixel(seeds[1]);
    await expect.poll(() => page.getByTestId('segment-hint').innerText()).toContain(`2 seeds in ${original.id}`);
    await shot('seeds-placed-1366x768');
    // Enter goes to the app, not to a button that kept the focus.
    expect(await page.evaluate(() => document.activeElement?.tagName)).not.toBe('BUTTON');
    await page.keyboard.press('Enter');
    await expect.poll(neuronCount, { timeout: 20_000 }).toBe(before + 1);
    await expect.poll(() => page.getByTestId('segment-hint').innerText()).toContain('0 seeds');

    // The seeds now lie in two neurons: the first keeps the id, and the two share its voxels
    // (less the one-pixel boundary drawn where they meet).
    const first = await knownNeuronAt(seeds[0]);
    const second = await knownNeuronAt(seeds[1]);
    expect(first.id).toBe(original.id);
    expect(second.id).not.toBe(original.id);
    expect(second.id).toBeGreaterThan(0);
    expect(first.voxels + second.voxels).toBeLessThanOrEqual(original.voxels);
    expect(first.voxels + second.voxels).toBeGreaterThan(original.voxels * 0.8);
    // The panel shows the selected neuron's share, and lists the new one.
    expect(await selected.innerText()).toContain(`${first.voxels.toLocaleString('en')} voxels`);
    expect(await page.getByTestId('neuron-panel').innerText()).toContain(`${second.voxels.toLocaleString('en')}`);
    await expect.poll(() => page.getByTestId('error').count()).toBe(0);
    await shot('seeds-1366x768');

    // Undo brings the one neuron back; redo splits it again.
    await page.keyboard.press('Control+z');
    await expect.poll(neuronCount, { timeout: 20_000 }).toBe(before);
    await expect.poll(() => knownNeuronAt(seeds[1])).toEqual(original);
    expect(await knownNeuronAt(seeds[0])).toEqual(original);
    await expect.poll(() => selected.innerText()).toContain(`${original.voxels.toLocaleString('en')} voxels`);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(neuronCount, { timeout: 20_000 }).toBe(before + 1);
    await expect.poll(() => knownNeuronAt(seeds[1])).toEqual(second);
    await page.keyboard.press('Control+z');
    await expect.poll(neuronCount, { timeout: 20_000 }).toBe(before);
    await expect.poll(() => knownNeuronAt(seeds[1])).toEqual(original);
  }, 60_000);

  it('refuses a cut line (K) that stays inside the neuron, says so, and changes nothing', async () => {
    await page.keyboard.press('k');
    await expect.poll(() => page.getByTestId('segment-hint').innerText()).toContain('Cut: draw a line across a segment');
    const [seed] = seeds;
    await dragPixels({ x: seed.x - 5, y: seed.y - 2 }, { x: seed.x + 5, y: seed.y + 2 });
    const banner = page.getByTestId('error');
    await expect.poll(() => banner.innerText(), { timeout: 10_000 }).toContain(`does not cut segment ${original.id} in two on slice 0`);
    expect(await banner.innerText()).toContain('nothing was changed');
    expect(await banner.isVisible()).toBe(true);
    expect(await neuronCount()).toBe(before);
    expect(await knownNeuronAt(seeds[0])).toEqual(original);
    expect(await knownNeuronAt(seeds[1])).toEqual(original);
    await shot('cut-refused-1366x768');
  });

  it('looks right at 1920 × 1080: the split, and a refused cut in one of its halves', async () => {
    await page.getByTestId('error').getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => page.getByTestId('error').count()).toBe(0);
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.waitForTimeout(300);
    toPage = await imageToPage(page);
    expect(await knownNeuronAt(seeds[0])).toEqual(original);
    await expect.poll(() => page.getByTestId('segment-selected').innerText()).toContain(`${original.voxels.toLocaleString('en')} voxels`);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(neuronCount, { timeout: 20_000 }).toBe(before + 1);
    await expect.poll(async () => (await knownNeuronAt(seeds[1])).id).not.toBe(original.id);
    const [seed] = seeds;
    await dragPixels({ x: seed.x - 5, y: seed.y + 2 }, { x: seed.x + 5, y: seed.y - 2 });
    await expect.poll(() => page.getByTestId('error').innerText(), { timeout: 10_000 }).toContain(`does not cut segment ${original.id} in two`);
    expect(await neuronCount()).toBe(before + 1);
    await shot('1920x1080');
    expect(pageErrors, pageErrors.join('\n')).toEqual([]);
  });
});
