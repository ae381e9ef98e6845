import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Normalization } from '../model/modelFolder.js';
import { tf } from '../model/tfjs.js';

/**
 * Makes the model see the image's contrast inverted: with per-slice z-scoring (mean 0, sd 1), an
 * image with inverted grey values (255 − v) normalises to exactly −z, and a first convolution
 * with its kernel negated gives on −z what it gave on z. So on a stack whose membranes are bright
 * (another stain, an inverted export) the negated model predicts as the original does on dark
 * membranes. Its own inverse. Throws for a model that does not start with a convolution of the
 * input, or a normalisation under which inverting is not a sign change.
 */
export function invertInputContrast(model: LayersModel, normalization: Normalization): void {
  if (normalization.kind !== 'slice-zscore') throw new Error(`Inverting the contrast needs per-slice z-scoring, not ${String(normalization.kind)}.`);
  const first = model.layers.find((layer) => layer.weights.length > 0);
  const kernel = first?.weights.find((w) => w.originalName.endsWith('/kernel'));
  if (!first || !kernel || first.getClassName() !== 'Conv2D') throw new Error('Inverting the contrast needs a model whose first weighted layer is a convolution of the image.');
  const negated = tf.tidy(() => tf.neg(kernel.read()));
  kernel.write(negated);
  negated.dispose();
}

/** Whether the model's input contrast can be inverted this way (invertInputContrast would not throw). */
export function canInvertContrast(model: LayersModel, normalization: Normalization): boolean {
  const first = model.layers.find((layer) => layer.weights.length > 0);
  return normalization.kind === 'slice-zscore' && first?.getClassName() === 'Conv2D';
}
