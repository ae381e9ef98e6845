/**
 * A 2D canvas for tests in Node, which has none: packed RGBA pixels (one little-endian uint32 per
 * pixel) that putImageData writes into and drawImage copies from another PixelCanvas, with the
 * calls recorded. Only the parts the viewer's layers use; any other call throws, so a layer that
 * starts using more fails its test instead of passing on a silent no-op.
 */
export class PixelCanvas {
  #width: number;
  #height: number;
  pixels: Uint32Array;
  /** Each putImageData as 'W×H at x,y', in order. */
  readonly puts: string[] = [];
  /** Each drawImage: what was drawn, where, and the alpha and smoothing it was drawn with. */
  readonly draws: { source: unknown; x: number; y: number; alpha: number; smoothing: boolean }[] = [];
  readonly #context: PixelContext;

  constructor(width: number, height: number) {
    this.#width = width;
    this.#height = height;
    this.pixels = new Uint32Array(width * height);
    this.#context = new PixelContext(this);
  }

  get width(): number {
    return this.#width;
  }
  /** Resizing clears the canvas, as a real one does. */
  set width(value: number) {
    this.#width = value;
    this.pixels = new Uint32Array(this.#width * this.#height);
  }
  get height(): number {
    return this.#height;
  }
  set height(value: number) {
    this.#height = value;
    this.pixels = new Uint32Array(this.#width * this.#height);
  }

  getContext(kind: string): PixelContext {
    if (kind !== '2d') throw new Error(`PixelCanvas has only a 2d context, not ${kind}.`);
    return this.#context;
  }

  /** The pixel at (x, y) as [r, g, b, a]. */
  rgba(x: number, y: number): [number, number, number, number] {
    const value = this.pixels[y * this.#width + x]!;
    return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, value >>> 24];
  }
}

class PixelContext {
  globalAlpha = 1;
  imageSmoothingEnabled = true;
  constructor(readonly canvas: PixelCanvas) {}

  putImageData(image: ImageData, dx: number, dy: number): void {
    this.canvas.puts.push(`${image.width}×${image.height} at ${dx},${dy}`);
    const source = new Uint32Array(image.data.buffer, image.data.byteOffset, image.width * image.height);
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) this.canvas.pixels[(dy + y) * this.canvas.width + dx + x] = source[y * image.width + x]!;
    }
  }

  drawImage(source: unknown, x: number, y: number): void {
    this.canvas.draws.push({ source, x, y, alpha: this.globalAlpha, smoothing: this.imageSmoothingEnabled });
    if (!(source instanceof PixelCanvas)) return;
    for (let sy = 0; sy < source.height; sy++) {
      for (let sx = 0; sx < source.width; sx++) this.canvas.pixels[(y + sy) * this.canvas.width + x + sx] = source.pixels[sy * source.width + sx]!;
    }
  }
}

/** Node has no ImageData: the standard constructor's behaviour (zeroed RGBA of width × height), no more. */
class PlainImageData {
  readonly data: Uint8ClampedArray;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = new Uint8ClampedArray(width * height * 4);
  }
}

/**
 * Makes PixelCanvas the OffscreenCanvas (and supplies ImageData where missing) for code under
 * test that makes its own canvases; returns the function that puts the globals back.
 */
export function usePixelCanvases(): () => void {
  const globals = globalThis as { OffscreenCanvas?: unknown; ImageData?: unknown };
  const before = { OffscreenCanvas: globals.OffscreenCanvas, ImageData: globals.ImageData };
  globals.OffscreenCanvas = PixelCanvas;
  if (!before.ImageData) globals.ImageData = PlainImageData;
  return () => {
    globals.OffscreenCanvas = before.OffscreenCanvas;
    globals.ImageData = before.ImageData;
    if (!before.OffscreenCanvas) delete globals.OffscreenCanvas;
    if (!before.ImageData) delete globals.ImageData;
  };
}
