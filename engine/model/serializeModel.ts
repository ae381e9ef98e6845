import type { io } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { tf } from './tfjs.js';

/** A serialised LayersModel, as `model.save(tf.io.withSaveHandler(...))` gives it. */
export interface ModelArtifactsInMemory {
  modelTopology: object;
  weightSpecs: io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
}

/** The model's topology and weights, as one ArrayBuffer, for worker threads to rebuild it (tfl.loadLayersModel(tf.io.fromMemory(...))). */
export async function serializeModel(model: LayersModel): Promise<ModelArtifactsInMemory> {
  let artifacts: ModelArtifactsInMemory | null = null;
  await model.save(
    tf.io.withSaveHandler(async (saved) => {
      const parts = saved.weightData === undefined ? [] : Array.isArray(saved.weightData) ? saved.weightData : [saved.weightData];
      const weightData = new Uint8Array(parts.reduce((n, b) => n + b.byteLength, 0));
      let at = 0;
      for (const part of parts) {
        weightData.set(new Uint8Array(part), at);
        at += part.byteLength;
      }
      artifacts = { modelTopology: saved.modelTopology as object, weightSpecs: saved.weightSpecs ?? [], weightData: weightData.buffer };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weightData.byteLength } };
    }),
  );
  if (!artifacts) throw new Error('Could not serialise the model for the worker threads (TensorFlow.js saved nothing).');
  return artifacts;
}
