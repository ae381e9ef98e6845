import type { PaddedMask } from './marchingCubes.js';
import type { NeuronBounds } from './neuronBounds.js';

/** Neuron `id`'s voxels within its bounding box as 1, everything else 0, with a border of zeros. */
export function neuronMask(ids: Uint32Array, width: number, height: number, id: number, bounds: NeuronBounds): PaddedMask {
  const [x0, y0, z0] = bounds.min;
  const [x1, y1, z1] = bounds.max;
  const maskWidth = x1 - x0 + 3;
  const maskHeight = y1 - y0 + 3;
  const maskDepth = z1 - z0 + 3;
  const data = new Uint8Array(maskWidth * maskHeight * maskDepth);
  for (let z = z0; z <= z1; z++) {
    for (let y = y0; y <= y1; y++) {
      const from = (z * height + y) * width + x0;
      const to = ((z - z0 + 1) * maskHeight + (y - y0 + 1)) * maskWidth + 1;
      for (let x = 0; x <= x1 - x0; x++) if (ids[from + x] === id) data[to + x] = 1;
    }
  }
  return { data, width: maskWidth, height: maskHeight, depth: maskDepth, origin: [x0 - 1, y0 - 1, z0 - 1] };
}
