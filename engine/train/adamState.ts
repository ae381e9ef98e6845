import { tf } from '../model/tfjs.js';

/**
 * An Adam optimizer's state, keyed by weight name, so it can cross to a worker thread (or come
 * back) whatever order that side's model lists its weights in: Adam keeps its moments by
 * position in the variable list it was given.
 */
export interface AdamState {
  iterations: number;
  /** Trainable weight names ('down0_conv1/kernel'), one per entry of shapes, first and second. */
  weights: string[];
  shapes: number[][];
  first: Float32Array[];
  second: Float32Array[];
}

/** The optimizer's state; `names` are the weights in the order the optimizer was given them. */
export async function readAdamState(optimizer: tf.Optimizer, names: string[]): Promise<AdamState> {
  const [iteration, ...moments] = await optimizer.getWeights();
  const iterations = (await iteration!.tensor.data())[0]!;
  iteration!.tensor.dispose();
  const count = moments.length / 2;
  if (count !== 0 && count !== names.length) throw new Error(`The optimizer holds moments for ${count} weights, the model has ${names.length}.`);
  // Copies: on the wasm backend data() may view the wasm heap, which cannot be transferred.
  const values = await Promise.all(moments.map(async (m) => Float32Array.from(await m.tensor.data())));
  return {
    iterations,
    weights: count === 0 ? [] : names,
    shapes: moments.slice(0, count).map((m) => m.tensor.shape),
    first: values.slice(0, count),
    second: values.slice(count),
  };
}

/** Loads a state into an optimizer whose variable list is `names`, in that order. */
export async function writeAdamState(optimizer: tf.Optimizer, state: AdamState, names: string[]): Promise<void> {
  const order = state.weights.length === 0 ? [] : names.map((name) => {
    const index = state.weights.indexOf(name);
    if (index < 0) throw new Error(`The optimizer state has no moments for weight ${name}.`);
    return index;
  });
  const tensors = [
    { name: 'iter', tensor: tf.scalar(state.iterations, 'int32') },
    ...order.map((i) => ({ name: `${state.weights[i]}/m`, tensor: tf.tensor(state.first[i]!, state.shapes[i]) })),
    ...order.map((i) => ({ name: `${state.weights[i]}/v`, tensor: tf.tensor(state.second[i]!, state.shapes[i]) })),
  ];
  try {
    await optimizer.setWeights(tensors);
  } finally {
    // setWeights copies the moments into new variables.
    tf.dispose(tensors.map((t) => t.tensor));
  }
}

/**
 * Sets the learning rate of an Adam optimizer made by tf.train.adam for its next steps (for a
 * schedule): tfjs reads the field on every applyGradients and offers no setter.
 */
export function setAdamLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  if (optimizer.getClassName() !== 'Adam') throw new Error(`Expected an Adam optimizer, got ${optimizer.getClassName()}.`);
  (optimizer as unknown as { learningRate: number }).learningRate = learningRate;
}
