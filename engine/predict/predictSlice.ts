import type { LayersModel } from '@tensorflow/tfjs-layers';
import { cancelledError } from './cancelledError.js';
import { SliceTiling, type TilingOptions } from './SliceTiling.js';
import { layoutAxis, type AxisLayout } from './tileLayout.js';
import type { TileRunner } from './TileRunner.js';

export interface PredictSliceOptions extends TilingOptions {
  /** Average the 8 flips/rotations (4 flips for non-square tiles). */
  tta?: boolean;
  signal?: AbortSignal;
  /** Called after each tile, with tiles done and tiles in all. */
  onTile?: (done: number, total: number) => void;
}

export function sliceTiles(width: number, height: number, options: TilingOptions): { x: AxisLayout; y: AxisLayout; count: number } {
  const x = layoutAxis(width, options.maxTile, options.overlap, options.multiple);
  const y = layoutAxis(height, options.maxTile, options.overlap, options.multiple);
  return { x, y, count: x.origins.length * y.origins.length };
}

/**
 * Membrane probability for one normalised slice, by tiled inference: mirror padding at the
 * borders, overlapping tiles blended with linear ramps (no seams), optional test-time
 * augmentation. Returns a width × height Float32Array in [0, 1]. The network runs on `runner`
 * on this thread (an ONNX Runtime session or a TensorFlow.js model); a bare LayersModel runs
 * through TensorFlow.js. PredictionPool runs the same tiles on worker threads.
 */
export async function predictSlice(runner: TileRunner | LayersModel, input: Float32Array, width: number, height: number, options: PredictSliceOptions): Promise<Float32Array> {
  const tiles = isTileRunner(runner) ? runner : await tfjsRunner(runner);
  const tiling = new SliceTiling(width, height, options);
  for (let g = 0; g < tiling.groups; g++) {
    if (options.signal?.aborted) throw cancelledError();
    const probabilities = await tiles.run(tiling.gather(input, g), tiling.groupSize(g), tiling.y.tile, tiling.x.tile, options.tta === true, options.signal);
    tiling.blend(g, probabilities);
    options.onTile?.(tiling.tilesThrough(g), tiling.tiles);
    // Let cancellation and progress messages through between batches.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return tiling.result();
}

export function isTileRunner(value: object): value is TileRunner {
  return 'run' in value && 'provider' in value;
}

/** TensorFlow.js is loaded only when a LayersModel is given, so ONNX Runtime paths never load it. */
async function tfjsRunner(model: LayersModel): Promise<TileRunner> {
  const { TfjsTileRunner } = await import('./TfjsTileRunner.js');
  return TfjsTileRunner.start(model);
}
