/**
 * Worker-thread entry for TrainingPool: its own TensorFlow.js backend (selectBackend, so
 * MEMBRANA_BACKEND applies), a replica of the model and its own Adam. It computes the loss
 * gradients of the patches it is sent, and applies the (averaged) gradients it is sent back;
 * every replica applies the same gradients, so they stay identical without sending weights.
 * Messages are handled one at a time, in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { toErrorInfo } from '../base/errorInfo.js';
import { releaseBackend, selectBackend } from '../model/selectBackend.js';
import { tf, tfl } from '../model/tfjs.js';
import { readAdamState, setAdamLearningRate, writeAdamState } from './adamState.js';
import { membraneLoss } from './membraneLoss.js';
import type { FromTrainingWorker, ToTrainingWorker, TrainingWorkerData } from './trainingMessages.js';

if (!parentPort) throw new Error('trainingWorker.js must run as a worker thread (TrainingPool starts it).');
const port = parentPort;
const source = workerData as TrainingWorkerData;

interface Replica {
  model: LayersModel;
  variables: tf.Variable[];
  names: string[];
  optimizer: tf.Optimizer;
}

function send(message: FromTrainingWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

async function gradients(replica: Replica, message: Extract<ToTrainingWorker, { kind: 'gradients' }>): Promise<void> {
  const { count, size } = message.batch;
  const shape: [number, number, number, number] = [count, size, size, 1];
  const x = tf.tensor4d(message.batch.x, shape);
  const target = tf.tensor4d(message.batch.target, shape);
  const weight = tf.tensor4d(message.batch.weight, shape);
  const { value, grads } = tf.variableGrads(() => membraneLoss(replica.model.apply(x, { training: true }) as tf.Tensor, target, weight), replica.variables);
  try {
    const total = replica.variables.reduce((n, v) => n + v.size, 0);
    const out = new Float32Array(total);
    let at = 0;
    for (const v of replica.variables) {
      out.set(await grads[v.name]!.data(), at);
      at += v.size;
    }
    const loss = (await value.data())[0]!;
    send({ kind: 'gradients', id: message.id, loss, gradients: out }, [out.buffer]);
  } finally {
    tf.dispose([x, target, weight, value, ...Object.values(grads)]);
  }
}

function apply(replica: Replica, gradients: Float32Array, learningRate: number): void {
  setAdamLearningRate(replica.optimizer, learningRate);
  let at = 0;
  const named = replica.variables.map((v) => {
    const tensor = tf.tensor(gradients.subarray(at, at + v.size), v.shape);
    at += v.size;
    return { name: v.name, tensor };
  });
  try {
    if (at !== gradients.length) throw new Error(`Got ${gradients.length} gradient values for ${at} weights.`);
    replica.optimizer.applyGradients(named);
  } finally {
    tf.dispose(named.map((n) => n.tensor));
  }
}

async function handle(replica: Replica, message: ToTrainingWorker): Promise<void> {
  try {
    switch (message.kind) {
      case 'gradients':
        return await gradients(replica, message);
      case 'apply':
        apply(replica, message.gradients, message.learningRate);
        return send({ kind: 'applied', id: message.id });
      case 'snapshot': {
        const weights = replica.model.weights;
        const values = await Promise.all(weights.map(async (w) => Float32Array.from(await w.read().data())));
        const optimizer = await readAdamState(replica.optimizer, replica.names);
        return send({ kind: 'snapshot', id: message.id, weights: { names: weights.map((w) => w.originalName), shapes: weights.map((w) => w.shape as number[]), values }, optimizer });
      }
      case 'close':
        replica.model.dispose();
        replica.optimizer.dispose();
        await releaseBackend();
        return send({ kind: 'closed', id: message.id });
    }
  } catch (error) {
    send({ kind: 'error', id: message.id, error: toErrorInfo(error) });
  }
}

try {
  const backend = await selectBackend();
  let model: LayersModel;
  try {
    model = await tfl.loadLayersModel(tf.io.fromMemory(source.artifacts));
  } catch (error) {
    throw new Error(`A training worker could not rebuild the model from the weights it was sent: ${toErrorInfo(error).message}`, { cause: error });
  }
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const names = model.trainableWeights.map((w) => w.originalName);
  const optimizer = tf.train.adam(source.learningRate);
  if (source.optimizer) await writeAdamState(optimizer, source.optimizer, names);
  const replica: Replica = { model, variables, names, optimizer };
  let queue = Promise.resolve();
  port.on('message', (message: ToTrainingWorker) => {
    queue = queue.then(() => handle(replica, message));
  });
  send({ kind: 'ready', backend, weights: names, sizes: variables.map((v) => v.size) });
} catch (error) {
  send({ kind: 'failed', error: toErrorInfo(error) });
}
