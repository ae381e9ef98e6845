import path from 'node:path';
import type { LoadedModel, ModelMeta } from '../model/modelFolder.js';
import { providerOrder } from './executionProviders.js';
import { modelOnnxFile, readModelMeta } from './modelForInference.js';
import { LocalPredictor, type Predictor } from './Predictor.js';
import { defaultThreads } from './startOnnxSession.js';
import { logger } from '../base/log.js';

const log = logger('predict');

export interface OpenPredictorOptions {
  /** CPU threads for ONNX Runtime's passes (default all cores; the CLI's --threads). */
  threads?: number;
  /**
   * Run the network on a worker thread, so this thread stays free (the app's engine serves the
   * viewer meanwhile). Default false: on this thread, the quickest start (the CLI).
   */
  background?: boolean;
  /** TensorFlow.js fallback only: worker threads, each with a copy of the model (default 1, or 2 when `background`). */
  tfjsWorkers?: number;
  /** An execution provider to use instead of MEMBRANA_EP or the fastest that starts. */
  provider?: string;
  /** Where warnings go (a remade model.onnx); default: the log, at warn. */
  onWarning?: (message: string) => void;
}

/**
 * The one way Membrana gets a model ready to predict. ONNX Runtime on the fastest provider that
 * starts (see startOnnxSession), on the folder's model.onnx (made if missing, remade with a
 * warning if ORT cannot read it) or on an ONNX export of an in-memory model (a model in
 * training); TensorFlow.js where onnxruntime-node cannot load at all or MEMBRANA_EP=tfjs. An
 * unknown or unavailable MEMBRANA_EP, or a named provider that fails, is an error, not a
 * fallback. TensorFlow.js is loaded only on the fallback path or to (re)make model.onnx.
 */
export async function openPredictor(model: string | LoadedModel, options: OpenPredictorOptions = {}): Promise<Predictor> {
  const provider = options.provider ?? process.env.MEMBRANA_EP;
  const { order } = providerOrder(provider);
  const skipped: string[] = [];
  if (order.some((name) => name !== 'tfjs')) {
    try {
      return await openOnnx(model, { ...options, provider });
    } catch (error) {
      if ((error as { code?: string }).code !== 'ORT_UNAVAILABLE') throw error;
      skipped.push(`ONNX Runtime: ${(error as Error).message}`);
    }
  }
  return openTfjs(model, options, skipped);
}

async function openOnnx(model: string | LoadedModel, options: OpenPredictorOptions): Promise<Predictor> {
  const threads = options.threads ?? defaultThreads();
  const { dir, meta } = typeof model === 'string' ? { dir: path.resolve(model), meta: await readModelMeta(model) } : model;
  const start = async (onnx: string | Uint8Array): Promise<Predictor> => {
    if (options.background) {
      const { PredictionPool } = await import('./PredictionPool.js');
      return PredictionPool.startOnnx({ dir, meta, model: onnx, threads, ...(options.provider ? { provider: options.provider } : {}) });
    }
    const { OnnxTileRunner } = await import('./OnnxTileRunner.js');
    const runner = await OnnxTileRunner.start(onnx, typeof onnx === 'string' ? onnx : `the ONNX export of ${dir}`, { threads, ...(options.provider ? { provider: options.provider } : {}) });
    return new LocalPredictor(runner, meta, dir);
  };
  if (typeof model !== 'string') {
    const { exportOnnx } = await import('../model/onnx/exportOnnx.js');
    return start(await exportOnnx(model.model));
  }
  const onWarning = options.onWarning ?? ((message: string) => log.warn(message, { model: dir }));
  const file = await modelOnnxFile(dir, { onWarning });
  try {
    return await start(file);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ONNX_MODEL_INVALID') throw error;
    onWarning(`${(error as Error).message}; remaking ${file} from the weights in ${dir}.`);
    return start(await modelOnnxFile(dir, { remake: true, onWarning }));
  }
}

async function openTfjs(model: string | LoadedModel, options: OpenPredictorOptions, skipped: string[]): Promise<Predictor> {
  const workers = options.tfjsWorkers ?? (options.background ? 2 : 1);
  if (workers > 1 || options.background) {
    const { PredictionPool } = await import('./PredictionPool.js');
    return PredictionPool.start(typeof model === 'string' ? { dir: model } : model, workers, skipped);
  }
  const { loadModelFolder } = await import('../model/modelFolder.js');
  const { TfjsTileRunner } = await import('./TfjsTileRunner.js');
  const { selectBackend } = await import('../model/selectBackend.js');
  // The backend first: weights loaded before it would sit on the default (plain JavaScript) one.
  await selectBackend();
  const loaded: { dir: string; meta: ModelMeta; model: LoadedModel['model'] } = typeof model === 'string' ? await loadModelFolder(model) : model;
  const runner = await TfjsTileRunner.start(loaded.model, skipped);
  // A model loaded here is this predictor's to free; one passed in stays its owner's.
  return new LocalPredictor(runner, loaded.meta, loaded.dir, async () => {
    if (typeof model === 'string') loaded.model.dispose();
  });
}
