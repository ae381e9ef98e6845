import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { BlockTally } from '../metrics/pixelTallies.js';
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
  const kernel = firstConvolution(model)?.weights.find((w) => w.originalName.endsWith('/kernel'));
  if (!kernel) throw new Error('Inverting the contrast needs a model whose first weighted layer is a convolution of the image.');
  const negated = tf.tidy(() => tf.neg(kernel.read()));
  kernel.write(negated);
  negated.dispose();
}

/** The least share of the held-out labels each class must have before inversion is considered. */
const LEAST_CLASS_SHARE = 0.1;

/**
 * Whether the model's predictions look anti-correlated with the labels, the sign of inverted
 * contrast: both membrane and cell are labelled (each at least a tenth of the labelled pixels),
 * and the error with the classes weighed equally is above 0.5, worse than guessing. A model
 * that is merely poor, or labels of one class only (a region painted membrane, rightly or
 * wrongly), never make a run try the inverted model.
 */
export function looksInverted(tallies: readonly BlockTally[]): boolean {
  let membrane = 0;
  let membraneWrong = 0;
  let cell = 0;
  let cellWrong = 0;
  for (const t of tallies) {
    membrane += t.membrane;
    membraneWrong += t.membraneWrong;
    cell += t.cell;
    cellWrong += t.cellWrong;
  }
  const labelled = membrane + cell;
  if (labelled === 0 || membrane < LEAST_CLASS_SHARE * labelled || cell < LEAST_CLASS_SHARE * labelled) return false;
  return (membraneWrong / membrane + cellWrong / cell) / 2 > 0.5;
}

/** Whether the model's input contrast can be inverted this way (invertInputContrast would not throw). */
export function canInvertContrast(model: LayersModel, normalization: Normalization): boolean {
  return normalization.kind === 'slice-zscore' && firstConvolution(model) !== null;
}

/** The model's first layer with weights, when it is a 2D convolution (of the image); else null. */
function firstConvolution(model: LayersModel): LayersModel['layers'][number] | null {
  const first = model.layers.find((layer) => layer.weights.length > 0);
  return first?.getClassName() === 'Conv2D' ? first : null;
}
