import { tfl } from './tfjs.js';
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';

/** The network's shape, stored in the model folder so it can be rebuilt and checked. */
export interface UnetArchitecture {
  kind: 'unet';
  /** Resolution levels; the input size must be a multiple of 2^(levels-1). */
  levels: number;
  /** Filters at the first level; doubled at each level down. */
  base: number;
}

export const DEFAULT_ARCHITECTURE: UnetArchitecture = { kind: 'unet', levels: 4, base: 16 };

/** Input sizes must be multiples of this for the architecture. */
export function sizeMultiple(architecture: UnetArchitecture): number {
  return 2 ** (architecture.levels - 1);
}

/**
 * A U-Net (Ronneberger et al. 2015) sized for CPU speed: two 3×3 ReLU convolutions per level,
 * max-pooling down, 2×2 stride-2 transposed convolutions up, skip concatenation, and a 1×1
 * sigmoid output giving the membrane probability per pixel. 'same' padding keeps the output the
 * size of the input; tiled prediction supplies context by overlapping tiles. Any input size that
 * is a multiple of 2^(levels-1) works (the spatial dimensions are left open).
 */
export function buildUnet(architecture: UnetArchitecture = DEFAULT_ARCHITECTURE, seed?: number): LayersModel {
  const { levels, base } = architecture;
  if (!Number.isInteger(levels) || levels < 1 || levels > 6) throw new Error(`U-Net levels must be 1–6, not ${levels}.`);
  if (!Number.isInteger(base) || base < 1) throw new Error(`U-Net base filters must be a positive integer, not ${base}.`);
  // Each layer gets its own seed, so a seeded build is reproducible layer by layer.
  let nextSeed = seed;
  const seedArgs = (): { seed?: number } => (nextSeed === undefined ? {} : { seed: nextSeed++ });
  const init = (): ReturnType<typeof tfl.initializers.heNormal> => tfl.initializers.heNormal(seedArgs());
  const conv = (x: SymbolicTensor, filters: number, name: string): SymbolicTensor =>
    tfl.layers
      .conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(), name })
      .apply(x) as SymbolicTensor;
  const block = (x: SymbolicTensor, filters: number, name: string): SymbolicTensor =>
    conv(conv(x, filters, `${name}_conv1`), filters, `${name}_conv2`);

  const input = tfl.input({ shape: [null, null, 1], name: 'image' });
  const skips: SymbolicTensor[] = [];
  let x = input;
  let filters = base;
  for (let level = 0; level < levels - 1; level++) {
    x = block(x, filters, `down${level}`);
    skips.push(x);
    x = tfl.layers.maxPooling2d({ poolSize: 2, name: `pool${level}` }).apply(x) as SymbolicTensor;
    filters *= 2;
  }
  x = block(x, filters, 'bottom');
  for (let level = levels - 2; level >= 0; level--) {
    filters /= 2;
    x = tfl.layers
      .conv2dTranspose({ filters, kernelSize: 2, strides: 2, padding: 'same', kernelInitializer: init(), name: `up${level}` })
      .apply(x) as SymbolicTensor;
    x = tfl.layers.concatenate({ name: `skip${level}` }).apply([skips[level]!, x]) as SymbolicTensor;
    x = block(x, filters, `up${level}_block`);
  }
  const output = tfl.layers
    .conv2d({ filters: 1, kernelSize: 1, activation: 'sigmoid', name: 'membrane', kernelInitializer: tfl.initializers.glorotUniform(seedArgs()) })
    .apply(x) as SymbolicTensor;
  return tfl.model({ inputs: input, outputs: output, name: 'membrana_unet' });
}
