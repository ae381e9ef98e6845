import type { LayersModel } from '@tensorflow/tfjs-layers';

/**
 * Which layers a training run changes: 'all', or the layers whose names start with one of these
 * prefixes ('down0_': the first block, which sees the raw image). The others keep their weights.
 */
export type TrainableLayers = 'all' | readonly string[];

/** Sets each weighted layer's `trainable` flag; throws naming a prefix that matches no layer with weights. */
export function setTrainable(model: LayersModel, trainable: TrainableLayers): void {
  const weighted = model.layers.filter((layer) => layer.weights.length > 0);
  if (trainable !== 'all') {
    if (trainable.length === 0) throw new RangeError('The trainable layers list is empty: name at least one layer prefix, or train all layers.');
    for (const prefix of trainable) {
      if (!weighted.some((layer) => layer.name.startsWith(prefix))) {
        throw new RangeError(`No layer with weights starts with "${prefix}" (the model's are ${weighted.map((layer) => layer.name).join(', ')}).`);
      }
    }
  }
  for (const layer of weighted) layer.trainable = trainable === 'all' || trainable.some((prefix) => layer.name.startsWith(prefix));
}

/** How a run's trainable layers read in a log line or the model card. */
export function describeTrainable(trainable: TrainableLayers): string {
  return trainable === 'all' ? 'all layers' : `layers ${trainable.map((prefix) => `${prefix}*`).join(', ')} (the rest kept)`;
}
