import type * as THREE from 'three';

/** The part of THREE.WebGLRenderer the scene uses (tests pass a fake: jsdom has no WebGL). */
export interface SceneRenderer {
  readonly info: { render: { calls: number; triangles: number } };
  render(scene: THREE.Object3D, camera: THREE.Camera): void;
  setPixelRatio(ratio: number): void;
  setSize(width: number, height: number, updateStyle?: boolean): void;
  dispose(): void;
  forceContextLoss?(): void;
}

export interface NeuronSceneOptions {
  /**
   * WebGL runs on the CPU (probeWebGL tells): defaults to no multisampling and small triangle
   * budgets, so orbiting stays interactive.
   */
  software?: boolean;
  /** Multisampling: smoother edges at several times the pixel cost. */
  antialias?: boolean;
  /** Most triangles per frame while the view moves, before neurons switch to decimated meshes. */
  triangleBudget?: number;
  /** Most triangles in the frame drawn once the view stops. */
  stillTriangleBudget?: number;
  /** Draw moving frames at a lower resolution when they are slow (default true). */
  adaptiveResolution?: boolean;
  createRenderer?: (canvas: HTMLCanvasElement, antialias: boolean) => SceneRenderer;
  requestFrame?: (callback: () => void) => number;
  cancelFrame?: (handle: number) => void;
}

/** Triangles per frame a GPU draws at interactive rates with room to spare. */
export const GPU_TRIANGLE_BUDGET = 3_000_000;
/**
 * Triangles per moving frame for a CPU rasterizer: SwiftShader on 2 cores draws about 1–2 M
 * triangles/s besides the pixels, so this keeps the geometry near 30–40 ms a frame.
 */
export const SOFTWARE_TRIANGLE_BUDGET = 50_000;
/** Triangles for the one frame drawn when a software-rendered view stops (a few hundred ms). */
export const SOFTWARE_STILL_TRIANGLE_BUDGET = 300_000;
