/**
 * The one place the engine imports TensorFlow.js from, so every module shares one engine
 * instance and the gradient registrations that @tensorflow/tfjs-layers brings.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';

// Production mode: skips per-op NaN/shape debug checks and the console nag about tfjs-node
// (the backend actually chosen is reported by selectBackend).
tf.enableProdMode();

export { tf, tfl };
