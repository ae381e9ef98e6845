import { describe, expect, it } from 'vitest';
import { runWebgpuCheck, swiftShaderMissing } from '../testing/swiftShader.js';
import { conv2DGradientCases, outputShapeOf } from './testing/conv2DGradientCases.js';

const missing = swiftShaderMissing();
if (missing) console.warn(`Skipping the webgpu Conv2DBackpropFilter tests: ${missing}.`);

describe.skipIf(missing !== null)('Conv2DBackpropFilter on webgpu, SwiftShader (needs `npm run build:node`)', () => {
  it('matches the cpu backend on every geometry, with all taps in one matmul or one tap per matmul, and leaves no GPU buffer behind', async () => {
    const cases = conv2DGradientCases.map((c) => ({ ...c, dy: outputShapeOf(c) }));
    const result = await runWebgpuCheck('kernels', JSON.stringify(cases));
    const errors = result.errors as Record<string, number>;
    expect(Object.keys(errors)).toHaveLength(2 * cases.length);
    for (const [name, error] of Object.entries(errors)) expect(error, name).toBeLessThan(1e-4);
    expect(result.buffersLeft).toBe(0);
  }, 180_000);
});
