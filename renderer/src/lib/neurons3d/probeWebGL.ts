/** Whether this browser can draw the 3D view, and on what. */
export type WebGLSupport =
  | { available: true; renderer: string; software: boolean }
  | { available: false; reason: string };

/** Renderer names of CPU rasterizers: frames cost CPU time there, so the view draws less. */
const SOFTWARE_RENDERERS = /swiftshader|llvmpipe|softpipe|software|microsoft basic render/i;

/**
 * Asks for a WebGL 2 context on a scratch canvas (three.js needs WebGL 2) and names the
 * renderer behind it. The scratch context is released at once, so probing costs no GPU memory.
 */
export function probeWebGL(createCanvas: () => HTMLCanvasElement = () => document.createElement('canvas')): WebGLSupport {
  let gl: WebGL2RenderingContext | null;
  try {
    gl = createCanvas().getContext('webgl2', { failIfMajorPerformanceCaveat: false });
  } catch (error) {
    return { available: false, reason: `creating a WebGL 2 context failed (${error instanceof Error ? error.message : String(error)})` };
  }
  if (!gl) {
    return {
      available: false,
      reason: 'this browser gave no WebGL 2 context. Turn on hardware acceleration, or start Chromium with --use-angle=swiftshader --enable-unsafe-swiftshader for software rendering',
    };
  }
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return { available: true, renderer, software: SOFTWARE_RENDERERS.test(renderer) };
}
