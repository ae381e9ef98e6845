import { describe, expect, it } from 'vitest';
import { buildUnet } from '../model/buildUnet.js';
import { TRAINING_WORKER_SOURCES, workerBuild } from '../workers/testing/workerBuild.js';
import { Random } from '../base/Random.js';
import { Learner } from './Learner.js';
import { makeBatch, scaleToUnit } from './makeBatch.js';
import { syntheticStack } from './testing/syntheticStack.js';
import { useWasmBackend } from './testing/useWasmBackend.js';
import { describeTrainable, setTrainable } from './trainableLayers.js';

const build = workerBuild('train/trainingWorker.js', TRAINING_WORKER_SOURCES);
const architecture = { kind: 'unet' as const, levels: 2, base: 2 };
useWasmBackend();

function batch() {
  const { images, labels } = syntheticStack();
  const plane = images.width * images.height;
  const scaled = [0, 1].map((z) => scaleToUnit(images.data.subarray(z * plane, (z + 1) * plane)));
  return makeBatch(scaled, [0, 1], labels.data as Uint8Array, null, images.width, images.height, 2, 16, new Random(3));
}

/** Per layer with weights: did one step change them? */
async function changedLayers(workers: number): Promise<Map<string, boolean>> {
  const model = buildUnet(architecture, 5);
  const before = model.layers.map((layer) => layer.getWeights().map((w) => Float32Array.from(w.dataSync())));
  const learner = await Learner.start(model, { workers, learningRate: 1e-2, trainable: ['down0_'] });
  try {
    await learner.step(batch(), 1e-2);
    await learner.sync();
  } finally {
    await learner.dispose();
  }
  const changed = new Map<string, boolean>();
  model.layers.forEach((layer, k) => {
    if (layer.weights.length === 0) return;
    const now = layer.getWeights().map((w) => w.dataSync());
    changed.set(layer.name, now.some((values, i) => values.some((v, j) => v !== before[k]![i]![j])));
  });
  // A disposed learner leaves every layer trainable, so a saved model carries no frozen layers.
  expect(model.layers.filter((layer) => layer.weights.length > 0 && !layer.trainable)).toEqual([]);
  model.dispose();
  return changed;
}

describe('trainable layers', () => {
  it('names a prefix that matches no layer, and an empty list', () => {
    const model = buildUnet(architecture, 1);
    expect(() => setTrainable(model, ['nope_'])).toThrow(/No layer with weights starts with "nope_" \(the model's are down0_conv1, /);
    expect(() => setTrainable(model, [])).toThrow(/empty/);
    setTrainable(model, ['down0_', 'membrane']);
    expect(model.trainableWeights.map((w) => w.originalName)).toEqual(['down0_conv1/kernel', 'down0_conv1/bias', 'down0_conv2/kernel', 'down0_conv2/bias', 'membrane/kernel', 'membrane/bias']);
    setTrainable(model, 'all');
    expect(model.trainableWeights).toHaveLength(model.weights.length);
    expect(describeTrainable(['down0_'])).toBe('layers down0_* (the rest kept)');
    model.dispose();
  });

  it('a step on this thread changes the first block only', async () => {
    const changed = await changedLayers(1);
    expect(changed.get('down0_conv1')).toBe(true);
    expect(changed.get('down0_conv2')).toBe(true);
    expect([...changed].filter(([name, moved]) => !name.startsWith('down0_') && moved)).toEqual([]);
  });

  it.skipIf(build !== null)('a step on two training workers changes the first block only', async () => {
    const changed = await changedLayers(2);
    expect(changed.get('down0_conv1')).toBe(true);
    expect([...changed].filter(([name, moved]) => !name.startsWith('down0_') && moved)).toEqual([]);
  }, 60_000);
});
