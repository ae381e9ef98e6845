// Child process for webgpuBackend.test.ts (plain Node on the compiled build/, because the Vulkan
// loader reads VK_ICD_FILENAMES from the real process environment, which a test can only set for
// a child). Usage: node webgpuTrainingCheck.mjs APP_ROOT auto|forced -> one JSON line on stdout.
//
// auto: which backend selectBackend() picks with MEMBRANA_BACKEND unset, and why it skipped
// WebGPU; then why startWebGpu refuses SwiftShader where a GPU device node seems to exist.
// forced (MEMBRANA_BACKEND=webgpu in the environment): a TrainingPool worker on WebGPU computes
// the loss gradients of a tiny U-Net (levels 2, base 4, 2 × 32²) and takes Adam steps; the same
// is computed on the cpu backend here, and the largest relative differences are reported. The
// worker's Adam state is read back, a second pool is started from it, and a second step there is
// compared with a second cpu step (resume).
// kernels (forced too): Conv2DBackpropFilter on webgpu (Membrana's, with its taps in one matmul
// and one tap per matmul) against the cpu backend, for each convolution geometry in CASES_JSON.
import path from 'node:path';

const [root, mode] = process.argv.slice(2);
const load = (file) => import(path.join(root, 'build', 'engine', file));
const { selectBackend } = await load('model/selectBackend.js');
const { tf } = await load('model/tfjs.js');
const values = (n, f) => Float32Array.from({ length: n }, (_, i) => f(i));

if (mode === 'auto') {
  const chosen = await selectBackend();
  // Where a GPU device node exists (argv[4], a folder holding a fake render node), the adapter is probed and judged.
  const { startWebGpu } = await load('model/webgpuBackend.js');
  const probed = await startWebGpu({ allowSoftware: false, devices: process.argv[4] }).then(
    () => 'started',
    (error) => error.message,
  );
  console.log(JSON.stringify({ choice: chosen.choice, skipped: chosen.skipped, probed }));
  process.exit(0);
}

if (mode === 'kernels') {
  await selectBackend();
  const { createConv2DBackpropFilterWebgpu } = await load('model/kernels/conv2DBackpropFilterWebgpu.js');
  const stock = () => {
    throw new Error('the stock kernel was called');
  };
  const variants = { grouped: createConv2DBackpropFilterWebgpu(stock), oneTapEach: createConv2DBackpropFilterWebgpu(stock, 1) };
  const errors = {};
  const webgpu = tf.backend();
  const buffersBefore = webgpu.numDataIds();
  for (const c of JSON.parse(process.argv[4])) {
    const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter, ...(c.dimRoundingMode ? { dimRoundingMode: c.dimRoundingMode } : {}) };
    const x = values(c.x.reduce((a, b) => a * b), (i) => Math.sin(i * 0.7 + 1));
    const dy = values(c.dy.reduce((a, b) => a * b), (i) => Math.cos(i * 0.3));
    await tf.setBackend('cpu');
    const expected = await tf.tidy(() => tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.tensor(x, c.x), dy: tf.tensor(dy, c.dy) }, attrs)).data();
    await tf.setBackend('webgpu');
    for (const [name, kernel] of Object.entries(variants)) {
      const [xt, dyt] = [tf.tensor(x, c.x), tf.tensor(dy, c.dy)];
      const out = tf.engine().makeTensorFromTensorInfo(kernel({ inputs: { x: xt, dy: dyt }, backend: webgpu, attrs }));
      errors[`${c.name} (${name})`] = relative(await out.data(), expected);
      tf.dispose([xt, dyt, out]);
    }
  }
  console.log(JSON.stringify({ errors, buffersLeft: webgpu.numDataIds() - buffersBefore }));
  process.exit(0);
}

const { buildUnet } = await load('model/buildUnet.js');
const { membraneLoss } = await load('train/membraneLoss.js');
const { TrainingPool, loadSnapshotWeights } = await load('train/TrainingPool.js');

const SIZE = 32;
const COUNT = 2;
const LEARNING_RATE = 1e-2;
const n = COUNT * SIZE * SIZE;
const batch = () => ({
  count: COUNT,
  size: SIZE,
  x: values(n, (i) => Math.sin(i * 0.37) + 0.3 * Math.cos(i * 0.011)),
  target: values(n, (i) => (Math.sin(i * 1.3) > 0.3 ? 1 : 0)),
  weight: values(n, (i) => (i % 7 === 0 ? 0 : 1)),
});

/** max |a - b| / max |b| over one array. */
function relative(actual, expected) {
  let error = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    error = Number.isNaN(d) ? Infinity : Math.max(error, d);
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return scale > 0 ? error / scale : error;
}

// The reference: the cpu backend on this thread.
await tf.setBackend('cpu');
const model = buildUnet({ kind: 'unet', levels: 2, base: 4 }, 7);
const variables = model.trainableWeights.map((w) => w.read());
const names = model.trainableWeights.map((w) => w.originalName);
const b = batch();
const shape = [COUNT, SIZE, SIZE, 1];
const [x, target, weight] = [tf.tensor4d(b.x, shape), tf.tensor4d(b.target, shape), tf.tensor4d(b.weight, shape)];
const { value, grads } = tf.variableGrads(() => membraneLoss(model.apply(x, { training: true }), target, weight), variables);
const cpuLoss = (await value.data())[0];
const cpuGradients = await Promise.all(variables.map(async (v) => Float32Array.from(await grads[v.name].data())));

const pool = await TrainingPool.start(model, { workers: 1, learningRate: LEARNING_RATE });
const result = { backend: pool.backend, cpuLoss };
try {
  const started = performance.now();
  const { loss, gradients } = await pool.gradients(batch());
  result.gradientSeconds = (performance.now() - started) / 1000;
  result.loss = loss;
  let at = 0;
  result.gradientErrors = {};
  for (const [k, v] of variables.entries()) {
    result.gradientErrors[names[k]] = relative(gradients.subarray(at, at + v.size), cpuGradients[k]);
    at += v.size;
  }

  // One Adam step with the worker's gradients there, and with the cpu's here.
  const optimizer = tf.train.adam(LEARNING_RATE);
  const step = () => optimizer.applyGradients(variables.map((v, k) => ({ name: v.name, tensor: tf.tensor(cpuGradients[k], v.shape) })));
  await pool.apply(gradients);
  step();
  const first = await pool.snapshot();
  result.weightErrors = await compareWeights(first.weights);
  result.changed = relative(first.weights.values[0], await variablesBefore());

  // Resume: a new pool from the read-back weights and Adam state takes the second step.
  const resumed = buildUnet({ kind: 'unet', levels: 2, base: 4 }, 99);
  loadSnapshotWeights(resumed, first.weights);
  const second = await TrainingPool.start(resumed, { workers: 1, learningRate: LEARNING_RATE, optimizer: first.optimizer });
  try {
    const restored = await second.snapshot();
    result.restoredMomentError = Math.max(...restored.optimizer.first.map((m, i) => relative(m, first.optimizer.first[i])), ...restored.optimizer.second.map((m, i) => relative(m, first.optimizer.second[i])));
    result.restoredIterations = restored.optimizer.iterations;
    await second.apply(gradients);
    step();
    result.resumedWeightErrors = await compareWeights((await second.snapshot()).weights);
  } finally {
    await second.dispose();
  }
} finally {
  await pool.dispose();
}
console.log(JSON.stringify(result));

/** Relative difference of each weight the worker sent from the cpu model's. */
async function compareWeights(weights) {
  const errors = {};
  for (const w of model.weights) {
    const index = weights.names.indexOf(w.originalName);
    errors[w.originalName] = relative(weights.values[index], await w.read().data());
  }
  return errors;
}

/** The first kernel before the step (buildUnet is seeded), to show that the step changed it. */
async function variablesBefore() {
  const fresh = buildUnet({ kind: 'unet', levels: 2, base: 4 }, 7);
  const data = Float32Array.from(await fresh.trainableWeights[0].read().data());
  fresh.dispose();
  return data;
}
