import { FRAME_DEFAULTS, frameRegion } from './frameRegion.js';

/** A point in CSS pixels (screen) or in image pixels, depending on context. */
export interface Point {
  x: number;
  y: number;
}

export const MIN_SCALE = 1 / 64;
export const MAX_SCALE = 64;
/** One zoom step (keys, toolbar buttons): √2, so two steps double. */
export const ZOOM_STEP = Math.SQRT2;

function clampScale(scale: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
}

/**
 * The 2D view transform of the slice viewer: screen = image × scale + offset, in CSS pixels.
 * Pure math over a little state; the canvas multiplies by devicePixelRatio itself.
 */
export class Viewport {
  #scale = $state(1);
  #offsetX = $state(0);
  #offsetY = $state(0);
  #viewWidth = $state(0);
  #viewHeight = $state(0);
  #imageWidth = $state(0);
  #imageHeight = $state(0);
  /** True until the user pans or zooms after a fit: a resize then refits instead of cropping. */
  #fitted = $state(true);

  get scale(): number {
    return this.#scale;
  }
  get offsetX(): number {
    return this.#offsetX;
  }
  get offsetY(): number {
    return this.#offsetY;
  }
  get viewWidth(): number {
    return this.#viewWidth;
  }
  get viewHeight(): number {
    return this.#viewHeight;
  }
  get fitted(): boolean {
    return this.#fitted;
  }
  /** Zoom as a percentage, e.g. 150 for 1.5 screen pixels per image pixel. */
  readonly percent = $derived(this.#scale * 100);

  /** The scale at which the whole image just fits the view (clamped to the zoom range). */
  fitScale(): number {
    if (this.#imageWidth <= 0 || this.#imageHeight <= 0 || this.#viewWidth <= 0 || this.#viewHeight <= 0) return 1;
    return clampScale(Math.min(this.#viewWidth / this.#imageWidth, this.#viewHeight / this.#imageHeight));
  }

  /** Size of the drawing area in CSS pixels; keeps the image point at the centre where it was. */
  setViewSize(width: number, height: number): void {
    if (width === this.#viewWidth && height === this.#viewHeight) return;
    const centre = this.screenToImage({ x: this.#viewWidth / 2, y: this.#viewHeight / 2 });
    this.#viewWidth = width;
    this.#viewHeight = height;
    if (this.#fitted) this.fit();
    else this.#centreOn(centre, this.#scale);
  }

  /** A new image: fit it to the view. */
  setImageSize(width: number, height: number): void {
    this.#imageWidth = width;
    this.#imageHeight = height;
    this.fit();
  }

  /** Whole image in view, centred. */
  fit(): void {
    this.#centreOn({ x: this.#imageWidth / 2, y: this.#imageHeight / 2 }, this.fitScale());
    this.#fitted = true;
  }

  /**
   * Shows a region of the image (a place to check, a neuron's point) with context around it:
   * about a third of the view, up to 400 %, centred, kept off the view's edge (see frameRegion).
   */
  showRegion(x: number, y: number, width: number, height: number): void {
    if (this.#viewWidth <= 0 || this.#viewHeight <= 0 || width <= 0 || height <= 0) return;
    const view = frameRegion(
      { x, y, width, height },
      { width: this.#viewWidth, height: this.#viewHeight },
      { width: this.#imageWidth, height: this.#imageHeight },
      { ...FRAME_DEFAULTS, minScale: Math.min(this.fitScale(), FRAME_DEFAULTS.maxScale) },
    );
    this.#scale = clampScale(view.scale);
    this.#offsetX = view.offsetX;
    this.#offsetY = view.offsetY;
    this.#fitted = false;
  }

  /** Sets an absolute scale (1 = 100%) about the view centre. */
  setScale(scale: number): void {
    this.zoomAt({ x: this.#viewWidth / 2, y: this.#viewHeight / 2 }, scale / this.#scale);
  }

  /** Multiplies the scale by `factor`, keeping the image point under `screen` fixed. */
  zoomAt(screen: Point, factor: number): void {
    const scale = clampScale(this.#scale * factor);
    if (scale === this.#scale) return;
    const image = this.screenToImage(screen);
    this.#scale = scale;
    this.#offsetX = screen.x - image.x * scale;
    this.#offsetY = screen.y - image.y * scale;
    this.#fitted = false;
  }

  /** Zooms by `factor` about the view centre (keyboard and buttons). */
  zoomCentred(factor: number): void {
    this.zoomAt({ x: this.#viewWidth / 2, y: this.#viewHeight / 2 }, factor);
  }

  /** Moves the image by (dx, dy) CSS pixels. */
  panBy(dx: number, dy: number): void {
    if (dx === 0 && dy === 0) return;
    this.#offsetX += dx;
    this.#offsetY += dy;
    this.#fitted = false;
  }

  /** Image coordinates (continuous; pixel i spans [i, i+1)) under a screen point. */
  screenToImage(screen: Point): Point {
    return { x: (screen.x - this.#offsetX) / this.#scale, y: (screen.y - this.#offsetY) / this.#scale };
  }

  imageToScreen(image: Point): Point {
    return { x: image.x * this.#scale + this.#offsetX, y: image.y * this.#scale + this.#offsetY };
  }

  #centreOn(image: Point, scale: number): void {
    this.#scale = scale;
    this.#offsetX = this.#viewWidth / 2 - image.x * scale;
    this.#offsetY = this.#viewHeight / 2 - image.y * scale;
  }
}
