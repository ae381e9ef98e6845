import { mkdir, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { createOmeZarr } from '../zarr/omeZarr.js';
import { writeRegion } from '../zarr/readRegion.js';
import type { Random } from '../base/Random.js';

/** One broken OME-Zarr: how to break a freshly written store, and whether it must be refused. */
export interface ZarrCase {
  name: string;
  version: 2 | 3;
  /** 'image': uint8 (predict, segment); 'label': uint32 ids (mesh). */
  kind: 'image' | 'label';
  expect: 'reject' | 'either';
  note: string;
  damage(dir: string): Promise<void>;
}

const SHAPE: [number, number, number] = [3, 40, 48];
const CHUNKS: [number, number, number] = [1, 32, 32];

/** Writes a valid store: gzip chunks, one level, uint8 ramps or uint32 blocks of ids. */
export async function writeBaseStore(dir: string, version: 2 | 3, kind: 'image' | 'label'): Promise<void> {
  const dtype = kind === 'image' ? 'uint8' : 'uint32';
  const image = await createOmeZarr(dir, { shape: SHAPE, dtype, chunks: CHUNKS, levels: 1, version, voxelSize: { x: 4, y: 4, z: 50, unit: 'nm' } });
  const n = SHAPE[0] * SHAPE[1] * SHAPE[2];
  const data = kind === 'image' ? Uint8Array.from({ length: n }, (_, i) => (i * 37) & 255) : Uint32Array.from({ length: n }, (_, i) => 1 + ((Math.floor((i % 1920) / 480) * 4 + Math.floor((i % 48) / 12)) % 9));
  await writeRegion(image.levels[0]!, { z: [0, SHAPE[0]], y: [0, SHAPE[1]], x: [0, SHAPE[2]] }, data);
}

/** The array metadata file of level 0. */
function arrayMeta(dir: string, version: 2 | 3): string {
  return path.join(dir, '0', version === 2 ? '.zarray' : 'zarr.json');
}

/** The group metadata file that holds the NGFF attributes. */
function groupMeta(dir: string, version: 2 | 3): string {
  return path.join(dir, version === 2 ? '.zattrs' : 'zarr.json');
}

async function editJson(file: string, edit: (json: Record<string, unknown>) => void): Promise<void> {
  const json = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  edit(json);
  await writeFile(file, JSON.stringify(json));
}

/** The NGFF multiscale block (v2: .zattrs; v3: zarr.json attributes.ome). */
function multiscale(json: Record<string, unknown>, version: 2 | 3): Record<string, unknown> {
  const attrs = version === 2 ? json : ((json.attributes as Record<string, unknown>).ome as Record<string, unknown>);
  return (attrs.multiscales as Record<string, unknown>[])[0]!;
}

/** A chunk file of level 0 (the first one found). */
async function firstChunk(dir: string, version: 2 | 3): Promise<string> {
  const base = version === 2 ? path.join(dir, '0', '0', '0', '0') : path.join(dir, '0', 'c', '0', '0', '0');
  return base;
}

const arrayEdit = (name: string, version: 2 | 3, note: string, edit: (meta: Record<string, unknown>) => void, kind: 'image' | 'label' = 'image'): ZarrCase => ({
  name: `zarr${version}-${name}`,
  version,
  kind,
  expect: 'reject',
  note,
  damage: (dir) => editJson(arrayMeta(dir, version), edit),
});

const groupEdit = (name: string, version: 2 | 3, note: string, edit: (ms: Record<string, unknown>, json: Record<string, unknown>) => void): ZarrCase => ({
  name: `zarr${version}-${name}`,
  version,
  kind: 'image',
  expect: 'reject',
  note,
  damage: (dir) => editJson(groupMeta(dir, version), (json) => edit(multiscale(json, version), json)),
});

const chunkCase = (name: string, version: 2 | 3, note: string, write: (file: string, old: Uint8Array) => Promise<void>, kind: 'image' | 'label' = 'image'): ZarrCase => ({
  name: `zarr${version}-${name}`,
  version,
  kind,
  expect: 'reject',
  note,
  damage: async (dir) => {
    const file = await firstChunk(dir, version);
    const old = new Uint8Array(await readFile(file));
    await rm(file);
    await write(file, old);
  },
});

/** Every kind of broken store the issue lists, for Zarr v2 and v3, plus random damage to chunks. */
export function zarrCases(random: Random, randomCount: number): ZarrCase[] {
  const cases: ZarrCase[] = [];
  const huge = [100000, 100000, 100000];
  for (const kind of ['image', 'label'] as const) {
    cases.push(arrayEdit(`huge-shape-${kind}`, 2, 'level 0 declares shape [100000, 100000, 100000]', (m) => (m.shape = huge), kind));
    cases.push(arrayEdit(`huge-shape-${kind}`, 3, 'level 0 declares shape [100000, 100000, 100000]', (m) => (m.shape = huge), kind));
    cases.push(arrayEdit(`huge-chunks-${kind}`, 2, 'chunks [100000, 100000, 100000] over a small shape', (m) => (m.chunks = huge), kind));
    cases.push(chunkCase(`chunk-dev-zero-${kind}`, 2, 'a chunk file that is a link to /dev/zero', (file) => symlink('/dev/zero', file), kind));
    cases.push(chunkCase(`chunk-short-${kind}`, 2, 'a gzip chunk that decompresses to 100 bytes', (file) => writeFile(file, zlib.gzipSync(new Uint8Array(100))), kind));
  }
  for (const version of [2, 3] as const) {
    cases.push(
      chunkCase('chunk-corrupt-gzip', version, 'a chunk whose gzip stream is damaged', async (file, old) => {
        const bytes = old.slice();
        const middle = Math.floor(bytes.length / 2);
        bytes[middle] = bytes[middle]! ^ 0xff;
        bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0xff;
        await writeFile(file, bytes);
      }),
      chunkCase('chunk-truncated', version, 'a gzip chunk cut in half', (file, old) => writeFile(file, old.subarray(0, old.length >> 1))),
      chunkCase('chunk-short', version, 'a gzip chunk that decompresses to 100 bytes', (file) => writeFile(file, zlib.gzipSync(new Uint8Array(100)))),
      chunkCase('chunk-long', version, 'a gzip chunk that decompresses to 5 MiB', (file) => writeFile(file, zlib.gzipSync(new Uint8Array(5 << 20)))),
      chunkCase('chunk-raw', version, 'an uncompressed chunk in a gzip array', (file) => writeFile(file, new Uint8Array(32 * 32).fill(9))),
      chunkCase('chunk-folder', version, 'a chunk that is a folder', (file) => mkdir(file)),
      chunkCase('chunk-dev-zero', version, 'a chunk file that is a link to /dev/zero', (file) => symlink('/dev/zero', file)),
      arrayEdit('zarr-format-9', version, 'zarr_format 9', (m) => (m.zarr_format = 9)),
      arrayEdit('shape-2d', version, 'a 2-D shape for 3 axes', (m) => (m.shape = [40, 48])),
      arrayEdit('shape-negative', version, 'shape [-3, 40, 48]', (m) => (m.shape = [-3, 40, 48])),
      arrayEdit('shape-text', version, 'shape ["3", 40, 48]', (m) => (m.shape = ['3', 40, 48])),
      arrayEdit('shape-zero', version, 'shape [0, 40, 48]', (m) => (m.shape = [0, 40, 48])),
      arrayEdit('shape-fraction', version, 'shape [2.5, 40, 48]', (m) => (m.shape = [2.5, 40, 48])),
    );
  }
  const v2 = (name: string, note: string, edit: (m: Record<string, unknown>) => void, kind: 'image' | 'label' = 'image') => arrayEdit(name, 2, note, edit, kind);
  const v3 = (name: string, note: string, edit: (m: Record<string, unknown>) => void, kind: 'image' | 'label' = 'image') => arrayEdit(name, 3, note, edit, kind);
  cases.push(
    v2('dtype-u2', 'dtype <u2 over uint8 chunks', (m) => (m.dtype = '<u2')),
    v2('dtype-b1', 'dtype |b1', (m) => (m.dtype = '|b1')),
    v2('dtype-f8', 'dtype <f8 over uint8 chunks', (m) => (m.dtype = '<f8')),
    v2('dtype-junk', 'dtype "x9"', (m) => (m.dtype = 'x9')),
    v2('dtype-u1-on-ids', 'dtype |u1 over uint32 chunks', (m) => (m.dtype = '|u1'), 'label'),
    v2('chunks-zero', 'chunks [0, 32, 32]', (m) => (m.chunks = [0, 32, 32])),
    v2('chunks-negative', 'chunks [-2, 32, 32]', (m) => (m.chunks = [-2, 32, 32])),
    v2('chunks-missing', 'no chunks', (m) => delete m.chunks),
    v2('compressor-unknown', 'compressor {"id": "snappy9"}', (m) => (m.compressor = { id: 'snappy9' })),
    v2('compressor-null', 'compressor null over gzip chunks', (m) => (m.compressor = null)),
    v2('compressor-text', 'compressor "gzip" (a string)', (m) => (m.compressor = 'gzip')),
    v2('order-q', 'order "Q"', (m) => (m.order = 'Q')),
    v2('filters-unknown', 'filters [{"id": "nope"}]', (m) => (m.filters = [{ id: 'nope' }])),
    v2('fill-text', 'fill_value "lots"', (m) => (m.fill_value = 'lots')),
    v2('separator-bad', 'dimension_separator "|"', (m) => (m.dimension_separator = '|')),
    v3('float64', 'data_type float64 over uint8 chunks', (m) => (m.data_type = 'float64')),
    v3('codecs-empty', 'codecs [] over gzip chunks', (m) => (m.codecs = [])),
    v3('codecs-unknown', 'codecs with "nope"', (m) => (m.codecs = [{ name: 'bytes', configuration: { endian: 'little' } }, { name: 'nope' }])),
    v3('codecs-no-bytes', 'codecs [gzip] only', (m) => (m.codecs = [{ name: 'gzip', configuration: { level: 1 } }])),
    v3('chunk-grid-odd', 'chunk_grid "rectilinear"', (m) => (m.chunk_grid = { name: 'rectilinear', configuration: { chunk_shape: [1, 32, 32] } })),
    v3('chunk-shape-zero', 'chunk_shape [1, 0, 32]', (m) => (m.chunk_grid = { name: 'regular', configuration: { chunk_shape: [1, 0, 32] } })),
    v3('key-encoding-odd', 'chunk_key_encoding "weird"', (m) => (m.chunk_key_encoding = { name: 'weird' })),
    v3('node-type-group', 'level 0 says node_type group', (m) => (m.node_type = 'group')),
    v3('data-type-bool', 'data_type bool', (m) => (m.data_type = 'bool')),
    v3('dimension-names-2', 'two dimension_names for 3 dimensions', (m) => (m.dimension_names = ['y', 'x'])),
  );
  for (const version of [2, 3] as const) {
    cases.push(
      groupEdit('axes-2', version, '2 axes for 3-D data', (ms) => (ms.axes = (ms.axes as unknown[]).slice(1))),
      groupEdit('axes-4', version, '4 axes for 3-D data', (ms) => (ms.axes = [{ name: 'c', type: 'channel' }, ...(ms.axes as unknown[])])),
      groupEdit('datasets-empty', version, 'no datasets', (ms) => (ms.datasets = [])),
      groupEdit('dataset-escape', version, 'dataset path "../../etc"', (ms) => ((ms.datasets as Record<string, unknown>[])[0]!.path = '../../etc')),
      groupEdit('dataset-missing', version, 'dataset path "7" (no such array)', (ms) => ((ms.datasets as Record<string, unknown>[])[0]!.path = '7')),
      groupEdit('scale-negative', version, 'scale [-50, 4, 4]', (ms) => ((ms.datasets as { coordinateTransformations: unknown[] }[])[0]!.coordinateTransformations = [{ type: 'scale', scale: [-50, 4, 4] }])),
      groupEdit('scale-short', version, 'scale with 2 values', (ms) => ((ms.datasets as { coordinateTransformations: unknown[] }[])[0]!.coordinateTransformations = [{ type: 'scale', scale: [4, 4] }])),
      groupEdit('multiscales-object', version, 'multiscales is an object', (_ms, json) => {
        const attrs = version === 2 ? json : ((json.attributes as Record<string, unknown>).ome as Record<string, unknown>);
        attrs.multiscales = { datasets: [] };
      }),
      { name: `zarr${version}-group-garbage`, version, kind: 'image', expect: 'reject', note: 'group metadata of random bytes', damage: (dir) => writeFile(groupMeta(dir, version), Uint8Array.from({ length: 64 }, (_, i) => (i * 131) & 255)) },
      { name: `zarr${version}-array-meta-missing`, version, kind: 'image', expect: 'reject', note: 'level 0 has no array metadata', damage: (dir) => rm(arrayMeta(dir, version)) },
      { name: `zarr${version}-array-meta-list`, version, kind: 'image', expect: 'reject', note: 'array metadata is a JSON list', damage: (dir) => writeFile(arrayMeta(dir, version), '[1, 2, 3]') },
      { name: `zarr${version}-array-meta-dev-zero`, version, kind: 'image', expect: 'reject', note: 'array metadata is a link to /dev/zero', damage: async (dir) => { await rm(arrayMeta(dir, version)); await symlink('/dev/zero', arrayMeta(dir, version)); } },
    );
  }
  cases.push(
    { name: 'zarr3-root-array', version: 3, kind: 'image', expect: 'reject', note: 'the root zarr.json says node_type array', damage: (dir) => editJson(groupMeta(dir, 3), (json) => (json.node_type = 'array')) },
    { name: 'zarr3-root-format-9', version: 3, kind: 'image', expect: 'reject', note: 'the root zarr.json says zarr_format 9', damage: (dir) => editJson(groupMeta(dir, 3), (json) => (json.zarr_format = 9)) },
    { name: 'zarr2-zgroup-format-9', version: 2, kind: 'image', expect: 'reject', note: '.zgroup says zarr_format 9', damage: (dir) => writeFile(path.join(dir, '.zgroup'), '{"zarr_format": 9}') },
  );
  for (let i = 0; i < randomCount; i++) {
    const version = random.pick([2, 3] as const);
    const kind = random.pick(['image', 'label'] as const);
    const flips = random.between(1, 6);
    const positions = Array.from({ length: flips }, () => random.next());
    cases.push({
      name: `zarr${version}-random-chunk-${i}`,
      version,
      kind,
      expect: 'reject',
      note: `${flips} bytes flipped after the header of every chunk of level 0 (gzip checks its data)`,
      damage: async (dir) => {
        for (const file of await chunkFiles(path.join(dir, '0'))) {
          const bytes = new Uint8Array(await readFile(file));
          // Past the 10-byte gzip header, whose time stamp and OS bytes no reader checks.
          for (const p of positions) {
            const at = 10 + Math.floor(p * (bytes.length - 10));
            bytes[at] = bytes[at]! ^ 0x5a;
          }
          await writeFile(file, bytes);
        }
      },
    });
  }
  return cases;
}

async function chunkFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await chunkFiles(file)));
    else if (!entry.name.startsWith('.') && entry.name !== 'zarr.json') out.push(file);
  }
  return out;
}
