import type { CallContext, MeshFormat, NeuronMesh, SegmentationInfo, SegmentEditResult, SegmentInfo, SegmentOperation, SegmentSlice, VoxelSize } from '../../protocol/contract.js';
import path from 'node:path';
import { CallError } from './CallError.js';
import { nanometresPerUnit, toNanometres } from '../io/physicalUnit.js';
import type { VoxelSizeNm } from '../mesh/Mesh.js';
import { exportNeuronMeshes } from '../mesh/exportNeuronMeshes.js';
import { meshNeurons, VIEW_MESH_OPTIONS } from '../mesh/meshNeuron.js';
import type { Project } from '../project/ProjectStore.js';
import { SegmentLayer, type SegmentChange } from '../project/SegmentLayer.js';
import { CELL, MEMBRANE } from '../project/CorrectionLayer.js';
import { mergeOp, relabelOp, SeedError, segmentBox, splitAlongLineOp, splitBySeedsOp, type SegmentOp } from '../project/segmentOps.js';
import { segmentVolume } from '../segment/segmentVolume.js';
import { WATERSHED_DEFAULTS } from '../segment/watershed2d.js';
import { openOmeZarr, type OmeZarr } from '../zarr/omeZarr.js';
import { readSlice } from '../zarr/readRegion.js';

/** The voxel size in nanometres (files without a unit are taken as nanometres). */
function inNanometres(voxelSize: VoxelSize): VoxelSizeNm {
  const factor = nanometresPerUnit(voxelSize.unit);
  const scale = typeof factor === 'number' ? factor : 1;
  return { x: toNanometres(voxelSize.x, scale), y: toNanometres(voxelSize.y, scale), z: toNanometres(voxelSize.z, scale) };
}

/**
 * A project's neurons: the segmentation run, proofreading edits on it (through SegmentLayer),
 * the segment list, and meshes built per neuron and cached until that neuron changes.
 */
export class ProjectNeurons {
  private layer: SegmentLayer | null = null;
  /** Edits, undos and redos run one after another in arrival order (see `serially`). */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly meshes = new Map<number, NeuronMesh>();

  private constructor(private readonly project: Project) {}

  static async open(project: Project): Promise<ProjectNeurons> {
    const neurons = new ProjectNeurons(project);
    const { width, height, depth } = project.volume;
    neurons.layer = await SegmentLayer.open(project.dir, width * height * depth);
    return neurons;
  }

  info(): SegmentationInfo | null {
    const layer = this.layer;
    if (!layer) return null;
    const { created, model, seconds, count } = layer.run;
    return { count, created, model, seconds, canUndo: layer.canUndo, canRedo: layer.canRedo };
  }

  /**
   * Makes a segmentation made elsewhere the project's neurons, to proofread: a uint label
   * OME-Zarr of the project's size (`membrana segment` on a cluster, or another tool's), read
   * slice by slice. Ids are kept as they are (0 = boundary or background), so they still match
   * the file. The segmentation it replaces is archived, as a new run's is.
   */
  async importSegmentation(folder: string, context: CallContext): Promise<SegmentationInfo> {
    const { project } = this;
    const { width, height, depth } = project.volume;
    let labels: OmeZarr;
    try {
      labels = await openOmeZarr(folder);
    } catch (error) {
      throw new CallError('NOT_OME_ZARR', `${folder} cannot be opened as OME-Zarr: ${(error as Error).message}`, { file: folder, hint: 'Choose the .ome.zarr folder of the segmentation (membrana segment … -o neurons.ome.zarr).' });
    }
    const [d, h, w] = labels.levels[0]!.shape;
    if (w !== width || h !== height || d !== depth) {
      throw new CallError('SIZE_MISMATCH', `${folder} is ${w} × ${h} × ${d}, but the project's volume is ${width} × ${height} × ${depth}.`, { file: folder, hint: 'Import the segmentation made from this project\'s volume.' });
    }
    if (labels.dtype === 'float32') throw new CallError('NOT_LABELS', `${folder} holds float32 voxels, not neuron ids.`, { file: folder, hint: 'Import a label image of whole-number ids.' });
    // A uint8 image that is not marked as labels is an image or a membrane probability, not
    // neuron ids: importing it would replace the proofread neurons with intensities.
    if (labels.kind !== 'label' && labels.dtype === 'uint8') {
      throw new CallError(
        'NOT_LABELS',
        `${folder} is an 8-bit image without NGFF label metadata: it looks like an image or a membrane probability, not neuron ids.`,
        { file: folder, hint: 'Import the segmentation (membrana segment … -o neurons.ome.zarr writes a label image of uint32 ids), not its probability or image.' },
      );
    }
    const started = performance.now();
    const plane = width * height;
    const ids = new Uint32Array(plane * depth);
    const seen = new Set<number>();
    for (let z = 0; z < depth; z++) {
      context.signal.throwIfAborted();
      const slice = await readSlice(labels.levels[0]!, z, context.signal);
      ids.set(slice, z * plane);
      for (let i = 0; i < slice.length; i++) if (slice[i] !== 0) seen.add(slice[i]!);
      context.progress({ stage: `Reading ${path.basename(folder)}: slice ${z + 1} of ${depth}`, fraction: (z + 1) / depth });
    }
    this.layer = await SegmentLayer.create(
      project.dir,
      ids,
      { created: new Date().toISOString(), model: `imported from ${folder}`, count: seen.size, seconds: Math.round((performance.now() - started) / 100) / 10, settings: {} },
      this.layer,
    );
    this.meshes.clear();
    return this.info()!;
  }

  /**
   * Segments the stack from the active model's stored predictions (all slices must be predicted)
   * with the corrections applied, and replaces the segmentation.
   */
  async segment(linkThreshold: number | undefined, context: CallContext): Promise<SegmentationInfo> {
    const { project } = this;
    const { width, height, depth, voxelSize } = project.volume;
    const plane = width * height;
    const probability = new Uint8Array(plane * depth);
    for (let z = 0; z < depth; z++) {
      const slice = await project.loadPrediction(project.activeModel, z);
      if (!slice) throw new CallError('NOT_PREDICTED', `Slice ${z} has no prediction from model ${project.activeModel}.`, { hint: 'Predict the whole stack first (Shift+P).' });
      probability.set(slice, z * plane);
    }
    const corrections = project.corrections;
    const labelled = new Set(corrections.labelledSlices());
    const started = performance.now();
    // segmentVolume is synchronous; its progress reaches the UI as it goes.
    const result = segmentVolume(probability, width, height, depth, {
      voxelSize,
      corrections: (z) => (labelled.has(z) ? corrections.slice(z) : null),
      ...(linkThreshold !== undefined ? { linkThreshold } : {}),
      signal: context.signal,
      onProgress: (p) => context.progress({ stage: p.stage, fraction: p.fraction }),
    });
    this.layer = await SegmentLayer.create(
      project.dir,
      result.ids,
      { created: new Date().toISOString(), model: project.activeModel, count: result.count, seconds: Math.round((performance.now() - started) / 100) / 10, settings: linkThreshold !== undefined ? { linkThreshold } : {} },
      this.layer,
    );
    this.meshes.clear();
    return this.info()!;
  }

  slice(z: number): SegmentSlice | null {
    const layer = this.layer;
    if (!layer) return null;
    const { width, height } = this.project.volume;
    return { z, width, height, ids: layer.ids.slice(z * width * height, (z + 1) * width * height) };
  }

  /**
   * An operation is worked out from the ids as they are after every earlier edit: with calls in
   * flight (quick clicks), a merge computed on arrival would miss voxels an earlier edit still
   * in the queue was about to give the segment it merges.
   */
  edit(operation: SegmentOperation): Promise<SegmentEditResult | null> {
    return this.serially(() => this.editNow(operation));
  }

  private serially<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async editNow(operation: SegmentOperation): Promise<SegmentEditResult | null> {
    const layer = this.need();
    const { width, height } = this.project.volume;
    let op: SegmentOp | null;
    switch (operation.kind) {
      case 'merge':
        if (operation.keep === operation.remove || operation.keep === 0 || operation.remove === 0) throw new CallError('BAD_ARGUMENT', 'Pick two different segments to merge (not the boundary).');
        op = mergeOp(layer.ids, operation.keep, operation.remove);
        break;
      case 'splitLine': {
        const split = splitAlongLineOp(layer.ids, width, height, operation.z, operation.line, layer.newId(), this.minCutPiece());
        if (split.segment === null) throw new CallError('NOTHING_TO_SPLIT', `The line on slice ${operation.z} crosses no segment.`, { hint: 'Draw the cut line across the segment to split, from boundary to boundary.' });
        if (!split.op) {
          throw new CallError(
            'SPLIT_DID_NOT_SEPARATE',
            `The line does not cut segment ${split.segment} in two on slice ${operation.z}; nothing was changed.`,
            { hint: 'Draw the cut line right across the segment, from one boundary to the other (past its far edge), or split it with seeds (J).' },
          );
        }
        op = split.op;
        break;
      }
      case 'splitSeeds':
        op = await this.splitAtSeeds(layer, operation.id, operation.seeds);
        break;
      case 'delete':
        op = relabelOp(layer.ids, operation.id, 0);
        break;
      case 'relabel':
        op = relabelOp(layer.ids, operation.id, layer.newId());
        break;
      default:
        throw new CallError('BAD_ARGUMENT', `Unknown segment operation ${JSON.stringify((operation as { kind?: unknown }).kind)}.`);
    }
    return this.result(await layer.edit(operation.kind, op.indices, op.after));
  }

  undo(): Promise<SegmentEditResult | null> {
    return this.serially(async () => this.result(await this.need().undo()));
  }

  redo(): Promise<SegmentEditResult | null> {
    return this.serially(async () => this.result(await this.need().redo()));
  }

  list(): SegmentInfo[] {
    const layer = this.layer;
    if (!layer) return [];
    const { width, height, voxelSize } = this.project.volume;
    const plane = width * height;
    const stats = new Map<number, { voxels: number; slices: number; first: number; last: number; lastZ: number; x0: number; x1: number; y0: number; y1: number }>();
    const ids = layer.ids;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id === 0) continue;
      const z = Math.floor(i / plane);
      let s = stats.get(id);
      if (!s) {
        s = { voxels: 0, slices: 0, first: z, last: z, lastZ: -1, x0: Infinity, x1: -1, y0: Infinity, y1: -1 };
        stats.set(id, s);
      }
      s.voxels++;
      if (s.lastZ !== z) {
        s.slices++;
        s.lastZ = z;
        s.last = z;
      }
      if (z === s.first) {
        const x = i % width;
        const y = Math.floor(i / width) % height;
        if (x < s.x0) s.x0 = x;
        if (x > s.x1) s.x1 = x;
        if (y < s.y0) s.y0 = y;
        if (y > s.y1) s.y1 = y;
      }
    }
    const nm = inNanometres(voxelSize);
    // nm³ to µm³.
    const voxelVolume = nm.x * nm.y * nm.z * 1e-9;
    return [...stats].map(([id, s]) => {
      const note = layer.note(id);
      return {
        id,
        voxels: s.voxels,
        volumeUm3: s.voxels * voxelVolume,
        slices: s.slices,
        firstSlice: s.first,
        lastSlice: s.last,
        centre: { x: (s.x0 + s.x1 + 1) / 2, y: (s.y0 + s.y1 + 1) / 2 },
        note: note?.note ?? '',
        tags: note?.tags ?? [],
      };
    });
  }

  setNote(id: number, note: string, tags: string[]): Promise<void> {
    return this.need().setNote(id, String(note), Array.isArray(tags) ? tags.map(String) : []);
  }

  /** Meshes of these neurons, built for the ones not cached. */
  async getMeshes(ids: number[], context: CallContext): Promise<NeuronMesh[]> {
    const layer = this.need();
    const missing = ids.filter((id) => !this.meshes.has(id));
    if (missing.length > 0) {
      const { width, height, depth, voxelSize } = this.project.volume;
      const built = await meshNeurons(layer.ids, width, height, depth, inNanometres(voxelSize), {
        ids: missing,
        ...VIEW_MESH_OPTIONS,
        signal: context.signal,
        onProgress: (progress) => context.progress(progress),
      });
      for (const [id, mesh] of built) this.meshes.set(id, { id, positions: mesh.positions, indices: mesh.indices });
    }
    // Copies: results cross to the UI with their buffers transferred, which would empty the cache.
    return ids
      .map((id) => this.meshes.get(id))
      .filter((mesh): mesh is NeuronMesh => mesh !== undefined)
      .map((mesh) => ({ id: mesh.id, positions: mesh.positions.slice(), indices: mesh.indices.slice() }));
  }

  async export(ids: number[], dir: string, format: MeshFormat, units: 'nm' | 'um', scene: boolean, context: CallContext): Promise<string[]> {
    const layer = this.need();
    const { width, height, depth, voxelSize } = this.project.volume;
    const summary = await exportNeuronMeshes({ ids: layer.ids, width, height, depth, voxelSize: inNanometres(voxelSize) }, dir, {
      format,
      ...(format === 'precomputed' ? {} : { units, scene }),
      ...(ids.length > 0 ? { ids } : {}),
      smoothing: 2,
      signal: context.signal,
      onProgress: (progress) => context.progress(progress),
    });
    return summary.files;
  }

  close(): Promise<void> {
    return this.layer?.close() ?? Promise.resolve();
  }

  /**
   * The seeded split: a 3D watershed on the membrane probability inside the segment, so the
   * parts meet on the membrane between the seeds. The probability is the active model's (the
   * segmentation's model where the active one has not predicted a slice), with corrections
   * painted in as segmentation does (membrane 255, cell 0).
   */
  private async splitAtSeeds(layer: SegmentLayer, id: number, seeds: { x: number; y: number; z: number }[]): Promise<SegmentOp> {
    if (seeds.length < 2) throw new CallError('BAD_ARGUMENT', 'Place at least two seeds inside the segment to split it.');
    const { project } = this;
    const { width, height, voxelSize } = project.volume;
    const box = segmentBox(layer.ids, width, height, id);
    if (!box || id === 0) throw new CallError('BAD_ARGUMENT', `There is no segment ${id} to split.`, { hint: 'Place the seeds on a segment shown in the view.' });
    const bw = box.x1 - box.x0;
    const bh = box.y1 - box.y0;
    const relief = new Uint8Array(bw * bh * (box.z1 - box.z0));
    const labelled = new Set(project.corrections.labelledSlices());
    const missing: number[] = [];
    for (let z = box.z0; z < box.z1; z++) {
      const slice = (await project.loadPrediction(project.activeModel, z)) ?? (await project.loadPrediction(layer.run.model, z));
      if (!slice) {
        missing.push(z);
        continue;
      }
      const corrections = labelled.has(z) ? project.corrections.slice(z) : null;
      const offset = (z - box.z0) * bw * bh;
      for (let y = 0; y < bh; y++) {
        const row = (box.y0 + y) * width + box.x0;
        for (let x = 0; x < bw; x++) {
          const label = corrections?.[row + x] ?? 0;
          relief[offset + y * bw + x] = label === MEMBRANE ? 255 : label === CELL ? 0 : slice[row + x]!;
        }
      }
    }
    if (missing.length > 0) {
      throw new CallError(
        'NOT_PREDICTED',
        `Segment ${id} lies on slices ${box.z0}–${box.z1 - 1}, and ${missing.length === 1 ? 'slice' : 'slices'} ${listSlices(missing)} ${missing.length === 1 ? 'has' : 'have'} no membrane prediction, so the split cannot follow the membranes there. Nothing was changed.`,
        { hint: 'Predict the whole stack (Shift+P) or those slices (P on each), then split again.' },
      );
    }
    try {
      return splitBySeedsOp(layer.ids, width, height, box, relief, inNanometres(voxelSize), id, seeds, seeds.slice(1).map(() => layer.newId()));
    } catch (error) {
      if (error instanceof SeedError) throw new CallError('BAD_ARGUMENT', error.message, { hint: 'Place every seed inside the segment to split, each on its own spot.' });
      throw error;
    }
  }

  /** Pieces a cut line leaves that are smaller than this (pixels) are slivers, not parts: the segmentation's smallest segment. */
  private minCutPiece(): number {
    const nm = inNanometres(this.project.volume.voxelSize);
    return Math.min(400, Math.max(4, Math.round(WATERSHED_DEFAULTS.minArea / (nm.x * nm.y))));
  }

  private need(): SegmentLayer {
    if (!this.layer) throw new CallError('NOT_SEGMENTED', 'The project has no segmentation yet.', { hint: 'Run Segment in the Neurons panel first.' });
    return this.layer;
  }

  private result(change: SegmentChange | null): SegmentEditResult | null {
    if (!change) return null;
    const touched = new Set<number>();
    for (let k = 0; k < change.ids.length; k++) {
      touched.add(change.ids[k]!);
      touched.add(change.previous[k]!);
    }
    touched.delete(0);
    for (const id of touched) this.meshes.delete(id);
    return { indices: change.indices, ids: change.ids, touched: [...touched], segmentation: this.info()! };
  }
}

/** "3, 5–7, 9": slice numbers (ascending) with runs collapsed. */
function listSlices(slices: number[]): string {
  const parts: string[] = [];
  for (let k = 0; k < slices.length; ) {
    let end = k;
    while (end + 1 < slices.length && slices[end + 1] === slices[end]! + 1) end++;
    parts.push(end === k ? String(slices[k]) : `${slices[k]}–${slices[end]}`);
    k = end + 1;
  }
  return parts.join(', ');
}
