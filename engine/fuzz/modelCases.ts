import { copyFile, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** A model folder broken in one known way; every one of them must be refused. */
export interface ModelCase {
  name: string;
  note: string;
  damage(dir: string): Promise<void>;
}

type Json = Record<string, unknown>;

async function editJson(file: string, edit: (json: Json) => void): Promise<void> {
  const json = JSON.parse(await readFile(file, 'utf8')) as Json;
  edit(json);
  await writeFile(file, JSON.stringify(json));
}

const meta = (name: string, note: string, edit: (m: Json) => void): ModelCase => ({ name: `model-meta-${name}`, note, damage: (dir) => editJson(path.join(dir, 'membrana.json'), edit) });
const manifest = (name: string, note: string, edit: (m: Json) => void): ModelCase => ({ name: `model-json-${name}`, note, damage: (dir) => editJson(path.join(dir, 'model.json'), edit) });
const weightsOf = (m: Json) => (m.weightsManifest as { weights: { name: string; shape: number[]; dtype: string }[] }[])[0]!.weights;
const weights = (name: string, note: string, edit: (w: Float32Array) => Float32Array | Uint8Array): ModelCase => ({
  name: `model-weights-${name}`,
  note,
  damage: async (dir) => {
    const file = path.join(dir, 'weights.bin');
    const bytes = await readFile(file);
    const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    await writeFile(file, edit(floats));
  },
});

/** Copies the shipped model folder's three files into `dir`. */
export async function copyModel(from: string, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const name of ['membrana.json', 'model.json', 'weights.bin']) await copyFile(path.join(from, name), path.join(dir, name));
}

/** Every broken model folder the issue lists, and more of the same kinds. */
export function modelCases(): ModelCase[] {
  const norm = (m: Json) => m.normalization as Json;
  const tile = (m: Json) => m.tile as Json;
  const arch = (m: Json) => m.architecture as Json;
  const cases: ModelCase[] = [
    meta('minmax', 'normalization.kind "minmax"', (m) => (norm(m).kind = 'minmax')),
    meta('epsilon-0', 'normalization.epsilon 0', (m) => (norm(m).epsilon = 0)),
    meta('epsilon-negative', 'normalization.epsilon -1', (m) => (norm(m).epsilon = -1)),
    meta('epsilon-text', 'normalization.epsilon "small"', (m) => (norm(m).epsilon = 'small')),
    meta('no-normalization', 'no normalization', (m) => delete m.normalization),
    meta('logits', 'output "logits"', (m) => (m.output = 'logits')),
    meta('tile-big', 'tile.size "big"', (m) => (tile(m).size = 'big')),
    meta('tile-1e9', 'tile.size 1e9', (m) => (tile(m).size = 1e9)),
    meta('tile-odd', 'tile.size 650 (not a multiple of 16)', (m) => (tile(m).size = 650)),
    meta('overlap-negative', 'tile.overlap -32', (m) => (tile(m).overlap = -32)),
    meta('overlap-too-big', 'tile.overlap 400 on 640 tiles', (m) => (tile(m).overlap = 400)),
    meta('no-tile', 'no tile', (m) => delete m.tile),
    meta('levels-99', 'architecture.levels 99', (m) => (arch(m).levels = 99)),
    meta('base-0', 'architecture.base 0', (m) => (arch(m).base = 0)),
    meta('kind-resnet', 'architecture.kind "resnet"', (m) => (arch(m).kind = 'resnet')),
    meta('format', 'format "something-else"', (m) => (m.format = 'something-else')),
    meta('version-2', 'version 2', (m) => (m.version = 2)),
    { name: 'model-meta-list', note: 'membrana.json is a JSON list', damage: (dir) => writeFile(path.join(dir, 'membrana.json'), '[1, 2]') },
    { name: 'model-meta-not-json', note: 'membrana.json is not JSON', damage: (dir) => writeFile(path.join(dir, 'membrana.json'), '{"format": "membrana-membrane-model",') },
    { name: 'model-meta-empty', note: 'membrana.json is empty', damage: (dir) => writeFile(path.join(dir, 'membrana.json'), '') },
    { name: 'model-meta-dev-zero', note: 'membrana.json is a link to /dev/zero', damage: async (dir) => { await rm(path.join(dir, 'membrana.json')); await symlink('/dev/zero', path.join(dir, 'membrana.json')); } },
    { name: 'model-meta-missing', note: 'no membrana.json', damage: (dir) => rm(path.join(dir, 'membrana.json')) },
    manifest('float99', 'a weight of dtype float99', (m) => (weightsOf(m)[0]!.dtype = 'float99')),
    manifest('shape-17', 'a kernel of shape [3,3,1,17] for 16 filters', (m) => (weightsOf(m)[0]!.shape = [3, 3, 1, 17])),
    manifest('extra-weight', 'a weight with no layer', (m) => weightsOf(m).push({ name: 'nowhere/kernel', shape: [1], dtype: 'float32' })),
    manifest('no-topology', 'no modelTopology', (m) => delete m.modelTopology),
    manifest('bogus-layer', 'a layer of class "Bogus"', (m) => (((m.modelTopology as Json).config as { layers: Json[] }).layers[1]!.class_name = 'Bogus')),
    manifest('no-manifest', 'no weightsManifest', (m) => delete m.weightsManifest),
    manifest('shape-negative', 'a weight of shape [-3, 3, 1, 16]', (m) => (weightsOf(m)[0]!.shape = [-3, 3, 1, 16])),
    manifest('weights-path-escape', 'weights path "../../../etc/passwd"', (m) => ((m.weightsManifest as { paths: string[] }[])[0]!.paths = ['../../../etc/passwd'])),
    { name: 'model-json-not-json', note: 'model.json is not JSON', damage: (dir) => writeFile(path.join(dir, 'model.json'), 'not json') },
    weights('nan', 'every weight NaN', (w) => w.fill(NaN)),
    weights('one-inf', 'one weight +Infinity', (w) => ((w[1234] = Infinity), w)),
    weights('truncated', 'weights.bin cut short by 100 bytes', (w) => new Uint8Array(w.buffer, 0, w.byteLength - 100)),
    weights('longer', 'weights.bin with 64 extra bytes', (w) => Uint8Array.from([...new Uint8Array(w.buffer), ...new Uint8Array(64)])),
    { name: 'model-weights-dev-zero', note: 'weights.bin is a link to /dev/zero', damage: async (dir) => { await rm(path.join(dir, 'weights.bin')); await symlink('/dev/zero', path.join(dir, 'weights.bin')); } },
    { name: 'model-empty-folder', note: 'an empty folder', damage: async (dir) => { for (const name of ['membrana.json', 'model.json', 'weights.bin']) await rm(path.join(dir, name)); } },
  ];
  return cases;
}
