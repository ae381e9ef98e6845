/** Test support: small labelled volumes (uint32 ids, z-major then row-major) built from a rule. */
export interface LabelVolume {
  ids: Uint32Array;
  width: number;
  height: number;
  depth: number;
}

/** A volume whose voxel (x, y, z) holds `label(x, y, z)`. */
export function labelVolume(width: number, height: number, depth: number, label: (x: number, y: number, z: number) => number): LabelVolume {
  const ids = new Uint32Array(width * height * depth);
  for (let z = 0; z < depth; z++) for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) ids[(z * height + y) * width + x] = label(x, y, z);
  return { ids, width, height, depth };
}

/** Voxels with `id` in a volume. */
export function countVoxels(volume: LabelVolume, id: number): number {
  let count = 0;
  for (const value of volume.ids) if (value === id) count++;
  return count;
}

/**
 * A tissue-like test volume: a jittered grid of cells (about `cells` of them) whose outlines drift
 * slowly from slice to slice, like neurites running through an EM stack, with one-voxel
 * boundaries (0) between them. Deterministic.
 */
export function tissueVolume(width: number, height: number, depth: number, cells: number): LabelVolume {
  const side = Math.max(1, Math.round(Math.sqrt(cells)));
  const step = width / side;
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  // Per grid cell: a seed position and a drift per slice.
  const seeds = Array.from({ length: side * side }, () => ({ x: random(), y: random(), dx: (random() - 0.5) * 0.02, dy: (random() - 0.5) * 0.02 }));
  const nearest = new Uint32Array(width * height * depth);
  for (let z = 0; z < depth; z++) {
    for (let y = 0; y < height; y++) {
      const gy = Math.min(side - 1, Math.floor(y / step));
      for (let x = 0; x < width; x++) {
        const gx = Math.min(side - 1, Math.floor(x / step));
        let best = Infinity;
        let id = 0;
        for (let ny = Math.max(0, gy - 1); ny <= Math.min(side - 1, gy + 1); ny++) {
          for (let nx = Math.max(0, gx - 1); nx <= Math.min(side - 1, gx + 1); nx++) {
            const s = seeds[ny * side + nx]!;
            const sx = (nx + Math.min(0.9, Math.max(0.1, s.x + s.dx * z))) * step;
            const sy = (ny + Math.min(0.9, Math.max(0.1, s.y + s.dy * z))) * step;
            const distance = (x - sx) ** 2 + (y - sy) ** 2;
            if (distance < best) {
              best = distance;
              id = ny * side + nx + 1;
            }
          }
        }
        nearest[(z * height + y) * width + x] = id;
      }
    }
  }
  // Boundaries: a voxel whose right or lower neighbour is another cell becomes 0.
  const ids = nearest.slice();
  for (let z = 0; z < depth; z++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const at = (z * height + y) * width + x;
        if ((x + 1 < width && nearest[at + 1] !== nearest[at]) || (y + 1 < height && nearest[at + width] !== nearest[at])) ids[at] = 0;
      }
    }
  }
  return { ids, width, height, depth };
}
