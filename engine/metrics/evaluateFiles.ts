import type { Volume } from '../io/Volume.js';
import { readVolume } from '../io/readVolume.js';
import { EvaluationError } from './EvaluationError.js';
import type { EvaluateSlicesOptions, EvaluationResult } from './evaluateSlices.js';
import { evaluateSlices } from './evaluateSlices.js';

/** Scores plus what looked wrong but did not stop the evaluation. */
export interface FileEvaluation extends EvaluationResult {
  /** Sentences for the user, each naming the file it is about; empty when all looked right. */
  warnings: string[];
}

/**
 * Scores a predicted membrane-probability stack (any file readVolume reads: 8-bit 255 = membrane,
 * 16-bit 65535 = membrane, or 32-bit float 0-1) against binary ISBI labels (0 = membrane,
 * 255 = cell) with the ISBI 2012 metrics (see evaluateSlices). Throws EvaluationError when the
 * shapes differ, the labels are not binary or the prediction is not a probability; warns when
 * either stack looks inverted.
 */
export async function evaluateFiles(predictionPath: string, labelsPath: string, options: EvaluateSlicesOptions = {}): Promise<FileEvaluation> {
  const [prediction, labels] = await Promise.all([readVolume(predictionPath), readVolume(labelsPath)]);
  options.signal?.throwIfAborted();
  if (prediction.width !== labels.width || prediction.height !== labels.height || prediction.depth !== labels.depth) {
    throw new EvaluationError(
      'SHAPE_MISMATCH',
      `The prediction ${predictionPath} is ${shape(prediction)} but the labels ${labelsPath} are ${shape(labels)}; they must have the same width, height and number of slices.`,
      { files: [predictionPath, labelsPath], hint: 'Predict the very stack the labels belong to, or crop both to the same region and slices.' },
    );
  }
  const warnings: string[] = [];
  const cellLabels = binaryLabels(labels, labelsPath, warnings);
  const probability = membraneProbability(prediction, predictionPath);
  warnIfInverted(probability, cellLabels, predictionPath, warnings);
  const result = evaluateSlices(probability, cellLabels, labels.width, labels.height, labels.depth, options);
  return { ...result, warnings };
}

function shape(volume: Volume): string {
  return `${volume.width} × ${volume.height} × ${volume.depth} (${volume.dtype})`;
}

/** The labels as 0/255 bytes; throws unless every voxel is 0 or 255. */
function binaryLabels(labels: Volume, file: string, warnings: string[]): Uint8Array {
  const { data } = labels;
  const out = new Uint8Array(data.length);
  const others = new Map<number, number>();
  let cells = 0;
  for (let i = 0; i < data.length; i++) {
    const value = data[i]!;
    if (value === 255) {
      out[i] = 255;
      cells++;
    } else if (value !== 0) others.set(value, (others.get(value) ?? 0) + 1);
  }
  if (others.size > 0) {
    const values = [...others.keys()].sort((a, b) => a - b);
    const listed = values.slice(0, 5).join(', ') + (values.length > 5 ? ` and ${values.length - 5} more` : '');
    const count = [...others.values()].reduce((sum, n) => sum + n, 0);
    const zeroOne = values.length === 1 && values[0] === 1;
    throw new EvaluationError(
      'NOT_BINARY',
      `The labels ${file} are not binary: besides 0 (membrane) and 255 (cell), ${count} voxels hold ${listed}.`,
      { files: [file], hint: zeroOne
        ? 'It looks like a 0/1 mask: multiply it by 255 (in Fiji: Process › Math › Multiply…) so that cell is 255, then evaluate again.'
        : 'Use labels with 0 = membrane and 255 = cell only (in Fiji: Image › Type › 8-bit, then Process › Binary › Make Binary), then evaluate again.' },
    );
  }
  const fraction = cells / data.length;
  if (fraction < 0.5) {
    warnings.push(
      `Only ${(fraction * 100).toFixed(0)}% of the labels ${file} are cell (255); ISBI labels are mostly cell (about 78% in the 2012 training set). Check that 0 means membrane and 255 cell, not the reverse.`,
    );
  }
  return out;
}

/** The prediction as membrane probabilities 0-1; throws for float data outside 0-1. */
function membraneProbability(prediction: Volume, file: string): Float32Array {
  const { data, dtype } = prediction;
  if (dtype !== 'float32') {
    const scale = dtype === 'uint8' ? 255 : 65535;
    const out = new Float32Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = data[i]! / scale;
    return out;
  }
  const values = data as Float32Array;
  let min = Infinity;
  let max = -Infinity;
  let invalid = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (Number.isNaN(value)) invalid++;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  if (invalid > 0 || min < 0 || max > 1) {
    const range = invalid > 0 ? `${invalid} voxels that are not a number` : `values from ${min} to ${max}`;
    throw new EvaluationError(
      'OUT_OF_RANGE',
      `The prediction ${file} is 32-bit float with ${range}; a membrane probability map must lie within 0-1.`,
      { files: [file], hint: max > 1 && max <= 255 && invalid === 0 && min >= 0
        ? 'It looks like an 8-bit map stored as float: divide it by 255 (in Fiji: Process › Math › Divide…) or save it as 8-bit.'
        : 'Save the probabilities (after the sigmoid or softmax), not logits, with 1 = membrane.' },
    );
  }
  return values;
}

/** Warns when the prediction is higher on the labels' cell pixels than on their membrane: probably 1 = cell. */
function warnIfInverted(probability: Float32Array, labels: Uint8Array, file: string, warnings: string[]): void {
  let onCell = 0;
  let cells = 0;
  let onMembrane = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 255) {
      onCell += probability[i]!;
      cells++;
    } else onMembrane += probability[i]!;
  }
  const membranes = labels.length - cells;
  if (cells === 0 || membranes === 0) return;
  const cellMean = onCell / cells;
  const membraneMean = onMembrane / membranes;
  if (cellMean > membraneMean) {
    warnings.push(
      `The prediction ${file} looks inverted: it averages ${cellMean.toFixed(2)} on the labels' cell pixels but ${membraneMean.toFixed(2)} on their membranes. Membrana expects 1 (or 255) = membrane; invert it (in Fiji: Edit › Invert) if it comes from a tool that writes 1 = cell, as ISBI 2012 submissions do.`,
    );
  }
}
