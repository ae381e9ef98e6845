/** Half-cosine decay from `initial` (done = 0) to initial/100 (done = 1). */
export function cosineLearningRate(initial: number, done: number): number {
  const floor = initial / 100;
  return floor + 0.5 * (initial - floor) * (1 + Math.cos(Math.PI * Math.min(1, Math.max(0, done))));
}

/**
 * The learning rate of step `step` (0-based): a linear warm-up over the first `warmupSteps`
 * (a fresh Adam moves every weight by about the learning rate on its first steps, whatever the
 * gradient: a warm-up keeps a trained model from being shaken before Adam's moments settle),
 * then constant or on the half cosine over the budget (`done`: the share of it used, 0-1).
 */
export function learningRateAt(initial: number, decay: 'none' | 'cosine', warmupSteps: number, step: number, done: number): number {
  const base = decay === 'cosine' ? cosineLearningRate(initial, done) : initial;
  return step < warmupSteps ? (base * (step + 1)) / (warmupSteps + 1) : base;
}
