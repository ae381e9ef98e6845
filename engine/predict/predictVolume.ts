import type { Progress } from '../../protocol/contract.js';
import type { Volume } from '../io/Volume.js';
import { sizeMultiple } from '../model/buildUnet.js';
import type { LoadedModel } from '../model/modelFolder.js';
import { normalizeSlice } from '../model/normalizeSlice.js';
import { predictSlice, sliceTiles } from './predictSlice.js';

export interface PredictVolumeOptions {
  tta?: boolean;
  /** Largest tile edge; default from the model folder. */
  maxTile?: number;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

/**
 * Membrane probabilities for every slice of a volume (any size, any number of slices, 8/16-bit
 * or float), as uint8 with 255 = membrane, the ISBI convention.
 */
export async function predictVolume(volume: Pick<Volume, 'width' | 'height' | 'depth' | 'data'>, loaded: LoadedModel, options: PredictVolumeOptions = {}): Promise<Uint8Array> {
  const { width, height, depth } = volume;
  const { meta, model } = loaded;
  const sliceOptions = {
    maxTile: options.maxTile ?? meta.tile.size,
    overlap: meta.tile.overlap,
    multiple: sizeMultiple(meta.architecture),
    tta: options.tta,
    signal: options.signal,
  };
  const perSlice = sliceTiles(width, height, sliceOptions).count;
  const total = perSlice * depth;
  const started = Date.now();
  const out = new Uint8Array(width * height * depth);
  const input = new Float32Array(width * height);
  for (let z = 0; z < depth; z++) {
    const raw = volume.data.subarray(z * width * height, (z + 1) * width * height);
    normalizeSlice(raw, meta.normalization, input);
    const probability = await predictSlice(model, input, width, height, {
      ...sliceOptions,
      onTile: (done) => {
        const finished = z * perSlice + done;
        const elapsed = (Date.now() - started) / 1000;
        options.onProgress?.({
          stage: `Predicting membranes, slice ${z + 1} of ${depth}`,
          fraction: finished / total,
          ...(finished > 0 ? { etaSeconds: (elapsed / finished) * (total - finished) } : {}),
        });
      },
    });
    const base = z * width * height;
    for (let i = 0; i < probability.length; i++) out[base + i] = Math.round(probability[i]! * 255);
  }
  return out;
}
