import { shippedModelDir } from '../model/modelFolder.js';
import type { ProviderInfo } from './executionProviders.js';
import { openPredictor } from './openPredictor.js';

let found: Promise<ProviderInfo> | null = null;

/**
 * The execution provider predictions run on in this process, for the app's status line: found
 * once, by starting a session on the shipped model as a project's predictor would (providers
 * that fail here are remembered, so the project's predictor skips them without trying).
 */
export function inferenceProvider(): Promise<ProviderInfo> {
  found ??= (async () => {
    // A model.onnx remade here is said in the log: the projects' predictors then find it sound.
    const predictor = await openPredictor(shippedModelDir());
    try {
      return predictor.provider;
    } finally {
      await predictor.dispose();
    }
  })();
  found.catch(() => (found = null));
  return found;
}
