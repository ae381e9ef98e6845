/** Where one neuron is in the volume: its voxels' bounding box (inclusive) and how many there are. */
export interface NeuronBounds {
  min: [number, number, number];
  max: [number, number, number];
  voxels: number;
}

/**
 * Every neuron's bounding box and voxel count in one pass over an ids volume (uint32 per voxel,
 * 0 = boundary or background, z-major then row-major). Runs of one id along x are taken whole,
 * so the cost is one comparison per voxel plus one lookup per run. Callers that re-mesh only the
 * neurons an edit changed can run this again (it is fast) and pass the result to meshNeuron.
 */
export function neuronBounds(ids: Uint32Array, width: number, height: number, depth: number): Map<number, NeuronBounds> {
  checkVolumeShape(ids, width, height, depth);
  const slotOf = new Map<number, number>();
  // Per neuron slot: min x, y, z, max x, y, z; counts apart (they can pass 2^31).
  let box = new Int32Array(6 * 64);
  let counts = new Float64Array(64);
  const order: number[] = [];
  let lastId = 0;
  let lastSlot = -1;
  for (let z = 0; z < depth; z++) {
    for (let y = 0; y < height; y++) {
      const row = (z * height + y) * width;
      let x = 0;
      while (x < width) {
        const id = ids[row + x]!;
        const begin = x;
        while (x + 1 < width && ids[row + x + 1] === id) x++;
        const end = x;
        x++;
        if (id === 0) continue;
        if (id !== lastId) {
          let slot = slotOf.get(id);
          if (slot === undefined) {
            slot = order.length;
            order.push(id);
            slotOf.set(id, slot);
            if (slot * 6 >= box.length) {
              box = grow(box, box.length * 2);
              counts = grow(counts, counts.length * 2);
            }
            box.set([begin, y, z, end, y, z], slot * 6);
          }
          lastId = id;
          lastSlot = slot;
        }
        const at = lastSlot * 6;
        if (begin < box[at]!) box[at] = begin;
        if (y < box[at + 1]!) box[at + 1] = y;
        if (end > box[at + 3]!) box[at + 3] = end;
        if (y > box[at + 4]!) box[at + 4] = y;
        box[at + 5] = z; // z only rises
        counts[lastSlot]! += end - begin + 1;
      }
    }
  }
  const result = new Map<number, NeuronBounds>();
  order.forEach((id, slot) => {
    const at = slot * 6;
    result.set(id, { min: [box[at]!, box[at + 1]!, box[at + 2]!], max: [box[at + 3]!, box[at + 4]!, box[at + 5]!], voxels: counts[slot]! });
  });
  return result;
}

/** Throws a RangeError naming the sizes when `ids` does not hold width × height × depth voxels. */
export function checkVolumeShape(ids: ArrayLike<number>, width: number, height: number, depth: number): void {
  for (const [name, value] of [
    ['width', width],
    ['height', height],
    ['depth', depth],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`The ids volume's ${name} must be a whole number of voxels, at least 1, not ${value}.`);
  }
  if (ids.length !== width * height * depth) {
    throw new RangeError(`The ids volume holds ${ids.length} voxels, but ${width} × ${height} × ${depth} = ${width * height * depth} were expected; pass the volume's own width, height and depth.`);
  }
}

function grow<T extends Int32Array | Float64Array>(array: T, length: number): T {
  const bigger = new (array.constructor as new (length: number) => T)(length);
  bigger.set(array as never);
  return bigger;
}
