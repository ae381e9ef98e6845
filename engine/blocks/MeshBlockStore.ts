import { randomBytes } from 'node:crypto';
import { link, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readIfExists } from '../io/readIfExists.js';
import type { Mesh, VoxelSizeNm } from '../mesh/Mesh.js';
import { legacyFragment } from '../mesh/exportPrecomputed.js';
import { readLegacyFragment } from '../mesh/readLegacyFragment.js';
import { BlockLedger, LEDGER_FOLDER } from './BlockLedger.js';
import { writeFilesDurable } from '../base/writeFilesDurable.js';

/** What a block mesh store was started with; a rerun or another share must match it. */
export interface MeshBlockSettings {
  format: 'membrana-mesh-blocks';
  version: 1;
  /** The input folder's name (for the reader of settings.json). */
  input: string;
  /** Volume, chunk and block shapes, [z, y, x]. */
  shape: number[];
  chunks: number[];
  block: number[];
  voxelSize: VoxelSizeNm;
  /** Whether blocks also write the ids as Neuroglancer precomputed chunks. */
  segmentation: boolean;
}

/** Fragments of one neuron: the blocks that have one, and their triangle counts. */
export interface NeuronFragments {
  blocks: number[];
  triangles: number;
}

export const MESH_FOLDER = 'mesh';
const SETTINGS_FILE = 'settings.json';

/**
 * A folder of per-block mesh fragments, laid out as a Neuroglancer precomputed legacy mesh
 * source so the fragments need no copying at the end:
 * - `mesh/<id>_<k>`: neuron id's fragment from block k (legacy fragment bytes, nm);
 * - `.membrana-blocks/<k>.done`: block k is durable; lists the ids it has fragments of, with
 *   their triangle counts (the index a final step reads instead of listing `mesh/`);
 * - `.membrana-blocks/settings.json`: what the store was started with.
 * A block writes its fragment files in place and fsyncs them, then its marker (BlockLedger), so
 * a block killed before its marker is recomputed whole and overwrites what it left.
 */
export class MeshBlockStore {
  readonly ledger: BlockLedger;

  private constructor(
    readonly folder: string,
    readonly settings: MeshBlockSettings,
  ) {
    this.ledger = new BlockLedger(folder);
  }

  /**
   * Opens the store in `folder`, creating it when missing or empty. Several jobs may start at
   * once: settings.json is written under a temporary name and hard-linked into place, which
   * fails for all but the first; the others then compare.
   */
  static async open(folder: string, settings: MeshBlockSettings): Promise<MeshBlockStore> {
    const root = path.resolve(folder);
    const file = path.join(root, LEDGER_FOLDER, SETTINGS_FILE);
    let recorded = await readSettings(file);
    if (recorded === null) {
      const entries = await readdir(root).catch(() => [] as string[]);
      if (entries.some((name) => name !== LEDGER_FOLDER)) {
        throw new Error(`${root} already holds files and is not a Membrana block mesh store (${file} is missing): choose a new or empty output folder, or delete this one.`);
      }
      await mkdir(path.dirname(file), { recursive: true });
      const temp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}`;
      await writeFile(temp, `${JSON.stringify(settings, null, 2)}\n`);
      await link(temp, file).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
      await rm(temp, { force: true });
      recorded = await readSettings(file);
    }
    if (JSON.stringify(recorded) !== JSON.stringify(settings)) {
      throw new Error(`${root} was started with other settings (${JSON.stringify(recorded)}), not this run's (${JSON.stringify(settings)}): rerun with the same input, or delete ${root} to start over.`);
    }
    return new MeshBlockStore(root, settings);
  }

  /** Opens a store some run started, with the settings it recorded (to read its fragments). */
  static async openExisting(folder: string): Promise<MeshBlockStore> {
    const root = path.resolve(folder);
    const settings = await readSettings(path.join(root, LEDGER_FOLDER, SETTINGS_FILE));
    if (settings === null) throw new Error(`${root} is not a Membrana block mesh store (it has no ${path.join(LEDGER_FOLDER, SETTINGS_FILE)}): give the folder a block-wise \`membrana mesh\` wrote.`);
    return new MeshBlockStore(root, settings);
  }

  /** A fragment's name inside `mesh/`, as a manifest lists it. */
  static fragmentName(id: number, block: number): string {
    return `${id}_${block}`;
  }

  /**
   * Writes block `block`'s fragments (meshes, or their legacyFragment bytes) and any `extra`
   * files (paths relative to the store), makes them durable, then marks the block done with the
   * ids it has fragments of.
   */
  async writeBlock(block: number, fragments: ReadonlyMap<number, Mesh | Uint8Array>, extra: ReadonlyMap<string, Uint8Array> = new Map()): Promise<void> {
    const files = new Map<string, Uint8Array>();
    for (const [relative, bytes] of extra) files.set(path.join(this.folder, ...relative.split('/')), bytes);
    const triangles: Record<string, number> = {};
    for (const [id, fragment] of fragments) {
      const bytes = fragment instanceof Uint8Array ? fragment : legacyFragment(fragment);
      files.set(path.join(this.folder, MESH_FOLDER, MeshBlockStore.fragmentName(id, block)), bytes);
      // uint32 vertex count, 12 bytes per vertex, 12 per triangle.
      triangles[id] = (bytes.length - 4 - new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true) * 12) / 12;
    }
    await writeFilesDurable(files);
    // Only now: a kill before this line leaves the block unmarked, to be done again in full.
    await this.ledger.markDone(block, { fragments: triangles });
  }

  /** Every neuron with a fragment in a finished block, by id in rising order, from the markers. */
  async neurons(): Promise<{ blocksDone: number; neurons: Map<number, NeuronFragments> }> {
    const done = [...(await this.ledger.done())].sort((a, b) => a - b);
    const neurons = new Map<number, NeuronFragments>();
    for (const block of done) {
      const marker = this.ledger.marker(block);
      let record: { fragments?: Record<string, number> };
      try {
        record = JSON.parse(await readFile(marker, 'utf8')) as typeof record;
      } catch (error) {
        throw new Error(`The block marker ${marker} is unreadable (${(error as Error).message}): delete it and run again to redo that block.`, { cause: error });
      }
      for (const [key, triangles] of Object.entries(record.fragments ?? {})) {
        const id = Number(key);
        const entry = neurons.get(id) ?? { blocks: [], triangles: 0 };
        entry.blocks.push(block);
        entry.triangles += triangles;
        neurons.set(id, entry);
      }
    }
    return { blocksDone: done.length, neurons: new Map([...neurons].sort(([a], [b]) => a - b)) };
  }

  /** The fragments of neuron `id` in `blocks` (from neurons()), read from disk in block order. */
  async readFragments(id: number, blocks: readonly number[]): Promise<Mesh[]> {
    return Promise.all(
      blocks.map(async (block) => {
        const file = path.join(this.folder, MESH_FOLDER, MeshBlockStore.fragmentName(id, block));
        return readLegacyFragment(new Uint8Array(await readFile(file)), file);
      }),
    );
  }
}

async function readSettings(file: string): Promise<MeshBlockSettings | null> {
  const bytes = await readIfExists(file);
  if (!bytes) return null;
  try {
    return JSON.parse(bytes.toString('utf8')) as MeshBlockSettings;
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${(error as Error).message}): delete ${path.dirname(path.dirname(file))} to start over.`, { cause: error });
  }
}
