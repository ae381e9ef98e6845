import { describe, expect, it, vi } from 'vitest';
import { probeWebGL } from './probeWebGL.js';

function canvasWith(renderer: string | null): () => HTMLCanvasElement {
  const loseContext = vi.fn();
  const gl = renderer === null ? null : {
    RENDERER: 1,
    getExtension: (name: string) => (name === 'WEBGL_debug_renderer_info' ? { UNMASKED_RENDERER_WEBGL: 2 } : { loseContext }),
    getParameter: (key: number) => (key === 2 ? renderer : 'WebKit WebGL'),
  };
  return () => ({ getContext: () => gl }) as unknown as HTMLCanvasElement;
}

describe('probeWebGL', () => {
  it('names the renderer and tells CPU rasterizers apart', () => {
    expect(probeWebGL(canvasWith('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)'))).toMatchObject({ available: true, software: true });
    expect(probeWebGL(canvasWith('ANGLE (Mesa/X.org, llvmpipe (LLVM 15.0.6 256 bits), OpenGL ES 3.2)'))).toMatchObject({ software: true });
    expect(probeWebGL(canvasWith('ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11)'))).toMatchObject({ available: true, software: false });
  });

  it('explains what to do without WebGL 2', () => {
    const result = probeWebGL(canvasWith(null));
    expect(result.available).toBe(false);
    expect(!result.available && result.reason).toMatch(/hardware acceleration/);
    const throwing = probeWebGL(() => ({ getContext: () => { throw new Error('blocked'); } }) as unknown as HTMLCanvasElement);
    expect(!throwing.available && throwing.reason).toMatch(/blocked/);
  });
});
