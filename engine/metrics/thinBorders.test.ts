import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readTiff } from '../io/readTiff.js';
import { connectedComponents4 } from './connectedComponents4.js';
import { thinBorders } from './thinBorders.js';

/** Labels from rows of characters: 'A'-'Z' are segments 1-26, '.' is border. */
function parse(rows: string[]): { labels: Int32Array; width: number; height: number } {
  const width = rows[0]!.length;
  const labels = Int32Array.from(rows.join('').split(''), (c) => (c === '.' ? 0 : c.charCodeAt(0) - 64));
  return { labels, width, height: rows.length };
}

function show(labels: Int32Array, width: number): string[] {
  const rows: string[] = [];
  for (let i = 0; i < labels.length; i += width) rows.push(Array.from(labels.subarray(i, i + width), (l) => (l === 0 ? '.' : String.fromCharCode(64 + l))).join(''));
  return rows;
}

function thin(rows: string[]): string[] {
  const { labels, width, height } = parse(rows);
  return show(thinBorders(labels, width, height), width);
}

/** Whether two different segments touch (4-neighbours): thinning must keep them apart. */
function segmentsTouch(labels: Int32Array, width: number): boolean {
  for (let i = 0; i < labels.length; i++) {
    const a = labels[i]!;
    if (a <= 0) continue;
    if ((i + 1) % width !== 0 && labels[i + 1]! > 0 && labels[i + 1] !== a) return true;
    if (i + width < labels.length && labels[i + width]! > 0 && labels[i + width] !== a) return true;
  }
  return false;
}

describe('thinBorders', () => {
  it('thins a 3-pixel-wide border between two segments to a 1-pixel line without merging them', () => {
    // Columns 2-4 are border. Column 2 touches A, column 4 touches B: each joins its segment;
    // column 3 then meets A on the left and B on the right and stays a watershed line.
    expect(thin(['AA...BB', 'AA...BB', 'AA...BB'])).toEqual(['AAA.BBB', 'AAA.BBB', 'AAA.BBB']);
  });

  it('puts the line of an even-width border where the reference does (right column, lower row)', () => {
    // 2 columns of border: the left column is flooded first (column-major order) and joins A, the
    // right one then touches A and B and stays border.
    expect(thin(['AA..BB', 'AA..BB'])).toEqual(['AAA.BB', 'AAA.BB']);
    // 2 rows of border: row 2 joins A, row 3 touches A above and B below.
    expect(thin(['AAA', 'AAA', '...', '...', 'BBB', 'BBB'])).toEqual(['AAA', 'AAA', 'AAA', '...', 'BBB', 'BBB']);
  });

  it('keeps a 1-pixel line between two segments and removes borders next to one segment only', () => {
    expect(thin(['A.B', 'A.B'])).toEqual(['A.B', 'A.B']);
    // A dead-end membrane inside one cell and the frame around it disappear.
    expect(thin(['.....', '.AAA.', '.A.A.', '.AAA.', '.....'])).toEqual(['AAAAA', 'AAAAA', 'AAAAA', 'AAAAA', 'AAAAA']);
  });

  it('draws a diagonal line between segments in opposite corners (hand-traced flooding)', () => {
    // Queue: (0,1) (1,0) (1,2) (2,1), column-major. (0,1) and (1,0) join A, (1,2) and (2,1) join
    // B; the centre then touches A (left) and B (right) and (0,2), (2,0) touch both: lines.
    expect(thin(['A..', '...', '..B'])).toEqual(['AA.', 'A.B', '.BB']);
  });

  it('makes one segment of a slice without any (as the reference watershed does)', () => {
    expect(thin(['...', '...'])).toEqual(['AAA', 'AAA']);
  });

  it('keeps every segment, with its id and pixels, and never lets two segments touch (random masks)', () => {
    let seed = 99;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (const density of [0.3, 0.5, 0.7]) {
      const width = 41;
      const height = 29;
      const mask = Uint8Array.from({ length: width * height }, () => (random() < density ? 1 : 0));
      const { labels, count } = connectedComponents4(mask, width, height);
      const thinned = thinBorders(labels, width, height);
      for (let i = 0; i < labels.length; i++) if (labels[i]! > 0) expect(thinned[i]).toBe(labels[i]);
      expect(new Set(thinned).size - (thinned.includes(0) ? 1 : 0)).toBe(count);
      expect(segmentsTouch(thinned, width)).toBe(false);
      expect(thinned.filter((l) => l === 0).length).toBeLessThanOrEqual(labels.filter((l) => l === 0).length);
    }
  });

  it('agrees pixel for pixel with a line-by-line port of the reference WatershedTransform2D', () => {
    let seed = 2024;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (const density of [0.15, 0.35, 0.55, 0.75, 0.9]) {
      const width = 31;
      const height = 26;
      const mask = Uint8Array.from({ length: width * height }, () => (random() < density ? 1 : 0));
      const ours = thinBorders(connectedComponents4(mask, width, height).labels, width, height);
      const reference = referenceWatershed(mask, width, height);
      // Same lines, and the same partition (ids differ: the reference numbers in column-major order).
      const ids = new Map<number, number>();
      for (let i = 0; i < ours.length; i++) {
        expect(ours[i] === 0).toBe(reference[i] === 0);
        if (ours[i] === 0) continue;
        if (!ids.has(ours[i]!)) ids.set(ours[i]!, reference[i]!);
        expect(reference[i]).toBe(ids.get(ours[i]!));
      }
    }
  });

  it('thins the membranes of an ISBI 2012 label slice to lines and keeps every cell', () => {
    const file = new URL('../../../shared/data/isbi2012/train-labels.tif', import.meta.url);
    const volume = readTiff(new Uint8Array(readFileSync(file)), file.pathname);
    const { width, height } = volume;
    const mask = Uint8Array.from(volume.data.subarray(0, width * height), (v) => (v > 127 ? 1 : 0));
    const { labels, count } = connectedComponents4(mask, width, height);
    const thinned = thinBorders(labels, width, height);
    const before = labels.filter((l) => l === 0).length;
    const after = thinned.filter((l) => l === 0).length;
    expect(new Set(thinned).size - 1).toBe(count);
    expect(segmentsTouch(thinned, width)).toBe(false);
    // Membranes in the labels are several pixels wide; about half of their pixels go.
    expect(after).toBeLessThan(before * 0.7);
    expect(after).toBeGreaterThan(0);
  });

  it('rejects labels that are not width × height', () => {
    expect(() => thinBorders(new Int32Array(5), 2, 2)).toThrow(/thinBorders: the image holds 5 pixels but 2 × 2 = 4/);
  });
});

/**
 * Trainable_Segmentation's WatershedTransform2D.apply() (Vincent & Soille flooding), transcribed
 * for a binary proposal as the reference thins it: cell = 0, border = 255, 4-connectivity.
 */
function referenceWatershed(cellMask: Uint8Array, width: number, height: number): Int32Array {
  const [MASK, WSHED, INIT, INQUEUE] = [-2, 0, -1, -3];
  const at = (x: number, y: number) => y * width + x;
  const value = (x: number, y: number) => (cellMask[at(x, y)] ? 0 : 255);
  const tab = new Int32Array(width * height).fill(INIT);
  // Pixel list in extraction order (x outer, y inner), stably sorted by value.
  const list: [number, number, number][] = [];
  for (let x = 0; x < width; x++) for (let y = 0; y < height; y++) list.push([x, y, value(x, y)]);
  list.sort((a, b) => a[2] - b[2]);
  const neighbours = (x: number, y: number) => [[x - 1, y], [x, y - 1], [x + 1, y], [x, y + 1]].filter(([u, v]) => u! >= 0 && u! < width && v! >= 0 && v! < height) as [number, number][];
  let currentLabel = 0;
  let flag = false;
  let index = 0;
  while (index < list.length) {
    const h = list[index]![2];
    const level = list.filter((record) => record[2] === h);
    const fifo: [number, number][] = [];
    for (const [x, y] of level) {
      tab[at(x, y)] = MASK;
      if (neighbours(x, y).some(([u, v]) => tab[at(u, v)]! >= WSHED)) {
        fifo.push([x, y]);
        tab[at(x, y)] = INQUEUE;
      }
    }
    while (fifo.length > 0) {
      const [x, y] = fifo.shift()!;
      const p = at(x, y);
      for (const [u, v] of neighbours(x, y)) {
        const c = at(u, v);
        if (tab[c]! > 0) {
          if (tab[p] === INQUEUE || (tab[p] === WSHED && flag)) tab[p] = tab[c]!;
          else if (tab[p]! > 0 && tab[p] !== tab[c]) {
            tab[p] = WSHED;
            flag = false;
          }
        } else if (tab[c] === WSHED) {
          if (tab[p] === INQUEUE) {
            tab[p] = WSHED;
            flag = true;
          }
        } else if (tab[c] === MASK) {
          tab[c] = INQUEUE;
          fifo.push([u, v]);
        }
      }
    }
    for (const [x, y] of level) {
      if (tab[at(x, y)] !== MASK) continue;
      currentLabel++;
      tab[at(x, y)] = currentLabel;
      const basin: [number, number][] = [[x, y]];
      while (basin.length > 0) {
        const [bx, by] = basin.shift()!;
        for (const [u, v] of neighbours(bx, by)) {
          if (tab[at(u, v)] === MASK) {
            tab[at(u, v)] = currentLabel;
            basin.push([u, v]);
          }
        }
      }
    }
    index += level.length;
  }
  return tab.map((label) => (label === INIT ? 0 : label));
}
