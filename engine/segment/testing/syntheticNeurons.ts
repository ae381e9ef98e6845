/**
 * Test support: a stack of neurons with known ids, as a membrane prediction would show them.
 * Each neuron is the Voronoi cell of a centre that drifts across the slices (so neurons cross
 * every slice and move a little); membrane (255) lies where two cells meet, about `membrane`
 * pixels thick, cell interiors are 0; then deterministic noise of ± `noise` is added.
 */
export interface SyntheticNeurons {
  width: number;
  height: number;
  depth: number;
  /** Membrane probability, 255 = membrane. */
  probability: Uint8Array;
  /** True neuron ids 1..count on cell voxels, 0 on membrane. */
  truth: Uint32Array;
  count: number;
}

export interface SyntheticOptions {
  width?: number;
  height?: number;
  depth?: number;
  /** Centres in slice 0 and their drift per slice, in pixels. */
  centres?: { x: number; y: number; dx: number; dy: number }[];
  membrane?: number;
  noise?: number;
  seed?: number;
}

export const DEFAULT_CENTRES = [
  { x: 20, y: 22, dx: 0.8, dy: 0.3 },
  { x: 70, y: 18, dx: -0.5, dy: 0.6 },
  { x: 48, y: 50, dx: 0.3, dy: -0.4 },
  { x: 18, y: 76, dx: 0.5, dy: -0.5 },
  { x: 76, y: 74, dx: -0.7, dy: -0.2 },
];

export function syntheticNeurons(options: SyntheticOptions = {}): SyntheticNeurons {
  const { width = 96, height = 96, depth = 8, centres = DEFAULT_CENTRES, membrane = 2, noise = 40 } = options;
  let seed = options.seed ?? 7;
  const random = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const plane = width * height;
  const probability = new Uint8Array(plane * depth);
  const truth = new Uint32Array(plane * depth);
  for (let z = 0; z < depth; z++) {
    const at = centres.map((c) => ({ x: c.x + c.dx * z, y: c.y + c.dy * z }));
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        // Nearest and second-nearest centre: the bisector between them is the membrane.
        let best = -1;
        let first = Infinity;
        let second = Infinity;
        at.forEach((c, k) => {
          const d = Math.hypot(x - c.x, y - c.y);
          if (d < first) [second, first, best] = [first, d, k];
          else if (d < second) second = d;
        });
        // Distance to the bisector of the two nearest centres, roughly (second − first) / 2.
        const onMembrane = (second - first) / 2 < membrane / 2;
        const i = z * plane + y * width + x;
        const clean = onMembrane ? 255 : 0;
        probability[i] = Math.max(0, Math.min(255, Math.round(clean + (random() * 2 - 1) * noise)));
        truth[i] = onMembrane ? 0 : best + 1;
      }
    }
  }
  return { width, height, depth, probability, truth, count: centres.length };
}
