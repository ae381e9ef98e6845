import type { ProviderInfo } from './executionProviders.js';

/**
 * Something that runs the network on tiles: an ONNX Runtime session (OnnxTileRunner) or a
 * TensorFlow.js model (TfjsTileRunner). SliceTiling cuts and blends; a runner only computes.
 */
export interface TileRunner {
  readonly provider: ProviderInfo;
  /**
   * Membrane probabilities for `count` normalised tiles of tileHeight × tileWidth (float32,
   * row-major, tile after tile), same layout out; averaged over the 8 flips/rotations (4 for
   * non-square tiles) when `tta`, checking `signal` between them.
   */
  run(tiles: Float32Array, count: number, tileHeight: number, tileWidth: number, tta: boolean, signal?: AbortSignal): Promise<Float32Array>;
  /** Frees the session or model; the runner must not be used afterwards. */
  dispose(): Promise<void>;
}
