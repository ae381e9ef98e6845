import { readFileSync } from 'node:fs';
import * as zarr from 'zarrita';
import { readTiff } from '../../io/readTiff.js';
import { AtomicFileStore } from '../../zarr/AtomicFileStore.js';

/**
 * Test support: a membrane probability from the ISBI 2012 training labels (255 = membrane),
 * cropped to depth × size × size from the top-left corner, blurred (two 5 × 5 box passes, so
 * membranes get soft edges like a prediction's) and with deterministic noise of ± `noise`.
 */
export function isbiProbability(size: number, depth: number, noise = 24): Uint8Array {
  const file = new URL('../../../../shared/data/isbi2012/train-labels.tif', import.meta.url);
  const labels = readTiff(new Uint8Array(readFileSync(file)), 'train-labels.tif');
  const out = new Uint8Array(depth * size * size);
  let state = 12345;
  const random = (): number => {
    state = (state * 1103515245 + 12345) >>> 0;
    return state / 2 ** 32;
  };
  for (let z = 0; z < depth; z++) {
    let plane: Float32Array = new Float32Array(size * size);
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) plane[y * size + x] = labels.data[(z * labels.height + y) * labels.width + x]! > 127 ? 0 : 255;
    for (let pass = 0; pass < 2; pass++) plane = boxBlur(plane, size, 2);
    for (let i = 0; i < size * size; i++) out[z * size * size + i] = Math.max(0, Math.min(255, Math.round(plane[i]! + (random() * 2 - 1) * noise)));
  }
  return out;
}

function boxBlur(plane: Float32Array, size: number, radius: number): Float32Array {
  const pass = (from: Float32Array, horizontal: boolean): Float32Array => {
    const to = new Float32Array(size * size);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        let sum = 0, n = 0;
        for (let d = -radius; d <= radius; d++) {
          const xx = horizontal ? x + d : x, yy = horizontal ? y : y + d;
          if (xx < 0 || yy < 0 || xx >= size || yy >= size) continue;
          sum += from[yy * size + xx]!;
          n++;
        }
        to[y * size + x] = sum / n;
      }
    }
    return to;
  };
  return pass(pass(plane, true), false);
}

/** Writes `data` as an NGFF 0.4 (Zarr v2) uint8 image at level `0`, 4 × 4 × 50 nm, chunks 1 × 64 × 64. */
export async function writeProbabilityStore(folder: string, data: ArrayLike<number>, shape: [number, number, number], dtype: 'uint8' | 'uint16' = 'uint8'): Promise<void> {
  const root = zarr.root(new AtomicFileStore(folder, { durable: true }));
  const json = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
  await root.store.set('/.zgroup', json({ zarr_format: 2 }));
  const axes = ['z', 'y', 'x'].map((name) => ({ name, type: 'space', unit: 'nanometer' }));
  await root.store.set('/.zattrs', json({ multiscales: [{ version: '0.4', axes, datasets: [{ path: '0', coordinateTransformations: [{ type: 'scale', scale: [50, 4, 4] }] }] }] }));
  await root.store.set('/0/.zarray', json({ zarr_format: 2, shape, chunks: [1, 64, 64], dtype: dtype === 'uint8' ? '|u1' : '<u2', compressor: null, fill_value: 0, order: 'C', filters: null, dimension_separator: '/' }));
  const array = await zarr.open.v2(root.resolve('0'), { kind: 'array' });
  const typed = dtype === 'uint8' ? Uint8Array.from(data) : Uint16Array.from(data);
  await zarr.set(array as zarr.Array<typeof dtype, AtomicFileStore>, null, { data: typed, shape, stride: [shape[1] * shape[2], shape[2], 1] } as never);
}
