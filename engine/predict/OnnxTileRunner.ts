import type { InferenceSession } from 'onnxruntime-node';
import type { ProviderInfo } from './executionProviders.js';
import { cancelledError } from './cancelledError.js';
import { startOnnxSession, type OnnxSessionOptions, type Ort, type StartedSession } from './startOnnxSession.js';
import type { TileRunner } from './TileRunner.js';
import { addUntransformed, transformTiles, variantCount } from './tileVariants.js';

/**
 * The network as an ONNX Runtime session (see startOnnxSession for the provider). The model has
 * one float32 input and one output of one channel each, NCHW or NHWC (the same bytes for one
 * channel; only the declared shape differs). A forward pass runs synchronously on the calling
 * thread inside ORT, over all its intra-op threads; TTA flips the tiles here.
 */
export class OnnxTileRunner implements TileRunner {
  private disposed = false;

  private constructor(
    private readonly ort: Ort,
    private readonly session: InferenceSession,
    readonly provider: ProviderInfo,
    /** CPU threads one pass may use. */
    readonly threads: number,
    private readonly input: string,
    private readonly output: string,
    private readonly channelsLast: boolean,
  ) {}

  /** Starts a session for `model` (model.onnx's path or bytes); `source` names it in errors. */
  static async start(model: string | Uint8Array, source: string, options: OnnxSessionOptions = {}): Promise<OnnxTileRunner> {
    const started: StartedSession = await startOnnxSession(model, options);
    const { session } = started;
    try {
      const [input] = session.inputMetadata;
      const output = session.outputNames[0];
      const shape = input?.isTensor ? input.shape : [];
      if (!input || !output || session.inputNames.length !== 1 || shape.length !== 4 || !(shape[1] === 1 || shape[3] === 1)) {
        throw new Error(`${source} is not a Membrana membrane model: it should take one [n, 1, h, w] (or [n, h, w, 1]) image and give one probability map.`);
      }
      return new OnnxTileRunner(started.ort, session, started.provider, started.threads, input.name, output, shape[1] !== 1);
    } catch (error) {
      await session.release();
      throw error;
    }
  }

  async run(tiles: Float32Array, count: number, tileHeight: number, tileWidth: number, tta: boolean, signal?: AbortSignal): Promise<Float32Array> {
    if (this.disposed) throw new Error('This ONNX Runtime session was disposed; start a new one.');
    if (!tta) return this.forward(tiles, count, tileHeight, tileWidth);
    const variants = variantCount(tileHeight, tileWidth);
    const sum = new Float32Array(tiles.length);
    const scratch = new Float32Array(tiles.length);
    for (let k = 0; k < variants; k++) {
      if (signal?.aborted) throw cancelledError();
      const probabilities = await this.forward(transformTiles(tiles, count, tileHeight, tileWidth, k, scratch), count, tileHeight, tileWidth);
      addUntransformed(probabilities, count, tileHeight, tileWidth, k, sum);
    }
    for (let i = 0; i < sum.length; i++) sum[i] = sum[i]! / variants;
    return sum;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.session.release();
  }

  private async forward(tiles: Float32Array, count: number, height: number, width: number): Promise<Float32Array> {
    const dims = this.channelsLast ? [count, height, width, 1] : [count, 1, height, width];
    const result = await this.session.run({ [this.input]: new this.ort.Tensor('float32', tiles, dims) });
    const out = result[this.output];
    if (!out || out.type !== 'float32' || out.data.length !== tiles.length) {
      throw new Error(`The model gave ${out ? `${out.type} [${out.dims.join(', ')}]` : 'no output'} for ${count} tiles of ${height} × ${width}; expected one float32 probability per pixel.`);
    }
    return out.data as Float32Array;
  }
}
