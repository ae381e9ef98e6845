/**
 * Worker-thread entry for PredictionPool: its own TensorFlow.js backend (selectBackend, so
 * MEMBRANA_BACKEND applies) and its own copy of the model; runs tile batches one at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { toErrorInfo } from '../host/toErrorInfo.js';
import { loadModelFolder, type ModelMeta } from '../model/modelFolder.js';
import { selectBackend } from '../model/selectBackend.js';
import { tf, tfl } from '../model/tfjs.js';
import type { FromPredictionWorker, PredictionWorkerData, ToPredictionWorker } from './predictionMessages.js';
import { runTiles } from './predictSlice.js';

if (!parentPort) throw new Error('predictionWorker.js must run as a worker thread (PredictionPool starts it).');
const port = parentPort;
const source = workerData as PredictionWorkerData;

type Job = Extract<ToPredictionWorker, { kind: 'run' }>;
const queue: Job[] = [];
let running: { id: number; controller: AbortController } | null = null;
let model: LayersModel | null = null;

function send(message: FromPredictionWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

port.on('message', (message: ToPredictionWorker) => {
  if (message.kind === 'run') {
    queue.push(message);
    void drain();
  } else {
    const ids = new Set(message.ids);
    for (let i = queue.length - 1; i >= 0; i--) {
      const job = queue[i]!;
      if (!ids.has(job.id)) continue;
      queue.splice(i, 1);
      send({ kind: 'error', id: job.id, error: { code: 'CANCELLED', message: 'Prediction was cancelled.' } });
    }
    if (running && ids.has(running.id)) running.controller.abort();
  }
});

async function drain(): Promise<void> {
  if (running || !model) return;
  const job = queue.shift();
  if (!job) return;
  running = { id: job.id, controller: new AbortController() };
  try {
    const values = await runTiles(model, job.tiles, job.count, job.tileHeight, job.tileWidth, job.tta, running.controller.signal);
    // Only a buffer this job owns can be transferred (never the wasm heap behind a view).
    const probabilities = values.byteOffset === 0 && values.byteLength === values.buffer.byteLength ? values : values.slice();
    send({ kind: 'done', id: job.id, probabilities }, [probabilities.buffer as ArrayBuffer]);
  } catch (error) {
    send({ kind: 'error', id: job.id, error: toErrorInfo(error) });
  } finally {
    running = null;
  }
  void drain();
}

async function load(): Promise<{ model: LayersModel; meta: ModelMeta; dir: string }> {
  if (!('artifacts' in source)) return loadModelFolder(source.dir);
  try {
    const { artifacts } = source;
    return { model: await tfl.loadLayersModel(tf.io.fromMemory(artifacts)), meta: source.meta, dir: source.dir };
  } catch (error) {
    throw new Error(`A prediction worker could not rebuild the model ${source.dir} from the weights it was sent: ${toErrorInfo(error).message}`, { cause: error });
  }
}

try {
  const backend = await selectBackend();
  const loaded = await load();
  model = loaded.model;
  send({ kind: 'ready', backend, meta: loaded.meta, dir: loaded.dir });
  void drain();
} catch (error) {
  send({ kind: 'failed', error: toErrorInfo(error) });
}
