import type { Progress } from '../../protocol/contract.js';
import { blockAt, type Block, type BlockGrid } from './blockGrid.js';
import { indexIn, readBlockLabels, type BlockLabels } from './blockLabels.js';
import { stepFile, stepLedger, type SegmentSettings, type SegmentStore } from './createSegmentStore.js';
import { runStep, type StepResult } from './segmentBlocks.js';
import { writeFileAtomic } from '../base/atomicWrite.js';

/** The face between block `a` and its next neighbour `b` along `axis` (0 z, 1 y, 2 x). */
export interface Face {
  /** 3 · a + axis: stable across runs, names the face's files. */
  index: number;
  axis: 0 | 1 | 2;
  a: number;
  b: number;
}

/** Every face between neighbouring blocks of the grid, by index. */
export function blockFaces(grid: BlockGrid): Face[] {
  const [nz, ny, nx] = grid.counts;
  const faces: Face[] = [];
  for (let bz = 0; bz < nz; bz++) {
    for (let by = 0; by < ny; by++) {
      for (let bx = 0; bx < nx; bx++) {
        const a = (bz * ny + by) * nx + bx;
        if (bz + 1 < nz) faces.push({ index: 3 * a, axis: 0, a, b: a + ny * nx });
        if (by + 1 < ny) faces.push({ index: 3 * a + 1, axis: 1, a, b: a + nx });
        if (bx + 1 < nx) faces.push({ index: 3 * a + 2, axis: 2, a, b: a + 1 });
      }
    }
  }
  return faces;
}

/** The faces of share `share` of `shares`: the k-th face belongs to share k mod shares. */
export function facesForShare(faces: Face[], share: number, shares: number): Face[] {
  return faces.filter((_, k) => k % shares === share);
}

export interface LinkBlockFacesOptions {
  store: SegmentStore;
  grid: BlockGrid;
  /** Faces to link (default all); e.g. facesForShare(blockFaces(grid), i, N). */
  faces?: Face[];
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  onFace?: (face: number) => void;
}

/** `<store>/.membrana-segment/faces/<index>.json`: the pairs of block-local ids that are one neuron. */
export function faceEdgesFile(store: SegmentStore, face: number): string {
  return stepFile(store, 'faces', `${face}.json`);
}

/**
 * Step 2: for each face not marked done, read both blocks' labels (their boxes overlap there),
 * find the pairs of their ids that are one neuron (faceEdges), write them to the face's edges
 * file, then mark the face done. Needs both blocks done by step 1.
 */
export async function linkBlockFaces(options: LinkBlockFacesOptions): Promise<StepResult> {
  const { grid, store } = options;
  const faces = options.faces ?? blockFaces(grid);
  const byIndex = new Map(faces.map((face) => [face.index, face]));
  return runStep('Linking block faces', stepLedger(store, 'faces'), [...byIndex.keys()], { ...options, onBlock: options.onFace }, async (index) => {
    const face = byIndex.get(index)!;
    const blockA = blockAt(grid, face.a);
    const blockB = blockAt(grid, face.b);
    const [a, b] = await Promise.all([readBlockLabels(store, grid, blockA), readBlockLabels(store, grid, blockB)]);
    const pairs = faceEdges(face, blockA, a, blockB, b, store.settings);
    await writeFileAtomic(faceEdgesFile(store, index), `${JSON.stringify({ face: index, a: face.a, b: face.b, pairs })}\n`, { createFolder: true });
    return { pairs: pairs.length };
  });
}

/**
 * The pairs [id in a, id in b] of 2D segments that are one segment seen by both blocks, from
 * the voxels both labelled.
 * - z faces: b's first slice is also a's last (halo) slice, segmented by both from the same
 *   pixels (a column of blocks shares one y/x box), so the two partitions there are identical
 *   and every overlap of a's id with b's id is one segment under two names.
 * - y/x faces: in a strip of ±band pixels around the face, per slice, a's and b's segments
 *   overlap and pair by linkSlices' rule (overlap ≥ linkThreshold of the smaller piece and ≥
 *   linkLargerThreshold of the larger, best partner), pieces measured inside the strip. The
 *   strip keeps halo − band pixels of context on both sides, so both views mostly agree there.
 */
export function faceEdges(face: Face, blockA: Block, a: BlockLabels, blockB: Block, b: BlockLabels, settings: SegmentSettings): [number, number][] {
  const found = new Set<number>();
  const key = (la: number, lb: number): number => la * (b.count + 1) + lb;
  if (face.axis === 0) {
    const z = blockA.z[1];
    for (let y = blockA.y[0]; y < blockA.y[1]; y++) {
      let i = indexIn(a.box, z, y, blockA.x[0]);
      let j = indexIn(b.box, z, y, blockA.x[0]);
      for (let x = blockA.x[0]; x < blockA.x[1]; x++, i++, j++) {
        const la = a.labels[i]!, lb = b.labels[j]!;
        if (la !== 0 && lb !== 0) found.add(key(la, lb));
      }
    }
  } else {
    const along = face.axis === 1 ? 'y' : 'x';
    const boundary = blockA[along][1];
    const strip = { z: blockA.z, y: blockA.y, x: blockA.x };
    strip[along] = [Math.max(blockA[along][0], boundary - settings.band), Math.min(blockB[along][1], boundary + settings.band)];
    for (let z = strip.z[0]; z < strip.z[1]; z++) linkStripSlice(a, b, strip.y, strip.x, z, settings, found, key);
  }
  return [...found].sort((p, q) => p - q).map((k) => [Math.floor(k / (b.count + 1)), k % (b.count + 1)]);
}

/** One slice of a y/x face strip: overlaps counted and linked as linkSlices links adjacent slices. */
function linkStripSlice(a: BlockLabels, b: BlockLabels, ys: [number, number], xs: [number, number], z: number, settings: SegmentSettings, found: Set<number>, key: (la: number, lb: number) => number): void {
  const overlaps = new Map<number, number>();
  const areaA = new Map<number, number>();
  const areaB = new Map<number, number>();
  for (let y = ys[0]; y < ys[1]; y++) {
    let i = indexIn(a.box, z, y, xs[0]);
    let j = indexIn(b.box, z, y, xs[0]);
    for (let x = xs[0]; x < xs[1]; x++, i++, j++) {
      const la = a.labels[i]!, lb = b.labels[j]!;
      if (la !== 0) areaA.set(la, (areaA.get(la) ?? 0) + 1);
      if (lb !== 0) areaB.set(lb, (areaB.get(lb) ?? 0) + 1);
      if (la !== 0 && lb !== 0) overlaps.set(key(la, lb), (overlaps.get(key(la, lb)) ?? 0) + 1);
    }
  }
  const split = (k: number): [number, number] => [Math.floor(k / (b.count + 1)), k % (b.count + 1)];
  const bestOfA = new Map<number, { partner: number; overlap: number }>();
  const bestOfB = new Map<number, { partner: number; overlap: number }>();
  for (const [k, overlap] of overlaps) {
    const [la, lb] = split(k);
    if (overlap > (bestOfA.get(la)?.overlap ?? 0)) bestOfA.set(la, { partner: lb, overlap });
    if (overlap > (bestOfB.get(lb)?.overlap ?? 0)) bestOfB.set(lb, { partner: la, overlap });
  }
  for (const [k, overlap] of overlaps) {
    const [la, lb] = split(k);
    const sizeA = areaA.get(la)!, sizeB = areaB.get(lb)!;
    if (overlap < settings.linkThreshold * Math.min(sizeA, sizeB) || overlap < settings.linkLargerThreshold * Math.max(sizeA, sizeB)) continue;
    if (settings.requireBestPartner && bestOfA.get(la)!.partner !== lb && bestOfB.get(lb)!.partner !== la) continue;
    found.add(k);
  }
}
