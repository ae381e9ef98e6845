/**
 * Worker-thread entry for PredictionPool: one TileRunner, either an ONNX Runtime session (the
 * app's predictor: one worker, all cores inside ORT, so the engine's own thread stays free to
 * serve the viewer) or a TensorFlow.js model on this thread's backend (the fallback, one worker
 * per core). Runs tile batches one at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CancelledError } from '../base/cancellation.js';
import { toErrorInfo } from '../base/errorInfo.js';
import type { ModelMeta } from '../model/modelFolder.js';
import type { FromPredictionWorker, PredictionWorkerData, ToPredictionWorker } from './predictionMessages.js';
import { failedProviders, recordFailedProviders } from './startOnnxSession.js';
import type { TileRunner } from './TileRunner.js';

if (!parentPort) throw new Error('predictionWorker.js must run as a worker thread (PredictionPool starts it).');
const port = parentPort;
const source = workerData as PredictionWorkerData;

type Job = Extract<ToPredictionWorker, { kind: 'run' }>;
const queue: Job[] = [];
let running: { id: number; controller: AbortController } | null = null;
let runner: TileRunner | null = null;

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
      send({ kind: 'error', id: job.id, error: toErrorInfo(new CancelledError('Prediction was cancelled.')) });
    }
    if (running && ids.has(running.id)) running.controller.abort();
  }
});

async function drain(): Promise<void> {
  if (running || !runner) return;
  const job = queue.shift();
  if (!job) return;
  running = { id: job.id, controller: new AbortController() };
  try {
    const values = await runner.run(job.tiles, job.count, job.tileHeight, job.tileWidth, job.tta, running.controller.signal);
    // Only a buffer this job owns can be transferred (never the wasm heap or ORT's memory behind a view).
    const probabilities = values.byteOffset === 0 && values.byteLength === values.buffer.byteLength ? values : values.slice();
    send({ kind: 'done', id: job.id, probabilities }, [probabilities.buffer as ArrayBuffer]);
  } catch (error) {
    send({ kind: 'error', id: job.id, error: toErrorInfo(error) });
  } finally {
    running = null;
  }
  void drain();
}

async function load(): Promise<{ runner: TileRunner; meta: ModelMeta; dir: string }> {
  if (source.runtime === 'onnx') {
    recordFailedProviders(source.failed);
    const { OnnxTileRunner } = await import('./OnnxTileRunner.js');
    const onnx = await OnnxTileRunner.start(source.model, typeof source.model === 'string' ? source.model : `the ONNX export of ${source.dir}`, { threads: source.threads, provider: source.provider });
    return { runner: onnx, meta: source.meta, dir: source.dir };
  }
  // The backend first: weights loaded before it would sit on the default (plain JavaScript) one.
  const { selectBackend } = await import('../model/selectBackend.js');
  await selectBackend();
  const { TfjsTileRunner } = await import('./TfjsTileRunner.js');
  const { loadModelFolder } = await import('../model/modelFolder.js');
  if (!('artifacts' in source)) {
    const loaded = await loadModelFolder(source.dir);
    return { runner: await TfjsTileRunner.start(loaded.model), meta: loaded.meta, dir: loaded.dir };
  }
  try {
    const { tf, tfl } = await import('../model/tfjs.js');
    const model = await tfl.loadLayersModel(tf.io.fromMemory(source.artifacts));
    return { runner: await TfjsTileRunner.start(model), meta: source.meta, dir: source.dir };
  } catch (error) {
    throw new Error(`A prediction worker could not rebuild the model ${source.dir} from the weights it was sent: ${toErrorInfo(error).message}`, { cause: error });
  }
}

try {
  const loaded = await load();
  runner = loaded.runner;
  send({ kind: 'ready', provider: runner.provider, meta: loaded.meta, dir: loaded.dir, failed: failedProviders() });
  void drain();
} catch (error) {
  send({ kind: 'failed', error: toErrorInfo(error), failed: failedProviders() });
}
