/**
 * What a layer draws into: the slice on screen and the view transform, in device pixels. The
 * stack sets the context's transform to image coordinates (one unit = one image pixel) before
 * each layer draws, so layers draw in image pixels and divide line widths by `scale`.
 */
export interface LayerView {
  /** The slice the layers show (the one on screen, which may lag the one asked for while it loads). */
  readonly z: number;
  /** Device pixels per image pixel. */
  readonly scale: number;
  /** Where image (0, 0) is on the canvas, in device pixels. */
  readonly offsetX: number;
  readonly offsetY: number;
  /** The canvas size in device pixels. */
  readonly width: number;
  readonly height: number;
  /** The image rectangle the canvas shows (may reach past the image). */
  readonly visible: { readonly x0: number; readonly y0: number; readonly x1: number; readonly y1: number };
}

export type DrawContext = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/**
 * One layer of the slice viewer, napari-style: a small model of what to draw and how, with a
 * revision that changes whenever what it draws would change, and a draw function. The viewer
 * keeps them in an ordered table (LayerStack) and repaints only when a revision, the view, a
 * visibility or an opacity changed.
 */
export interface Layer {
  /** Stable key (the layers panel's), e.g. 'predictions'. */
  readonly id: string;
  /** What the user calls it. */
  readonly name: string;
  /** Whether it applies to what is open (predictions need a project, tiles a lazily read volume). */
  readonly available: boolean;
  readonly visible: boolean;
  /** 0–1. The stack sets it as the context's globalAlpha; a layer with its opacity in its pixels sets globalAlpha back to 1. */
  readonly opacity: number;
  /** Changes whenever what the layer would draw changes (its data, its style, the slice it follows). */
  readonly revision: number;
  setVisible(visible: boolean): void;
  setOpacity(opacity: number): void;
  /** Draws in image coordinates under the stack's transform and alpha. */
  draw(context: DrawContext, view: LayerView): void;
  /** Called instead of draw on a repaint where the layer is hidden, transparent or not available, to let go of what it asked for (tiles). */
  idle?(view: LayerView | null): void;
  /** Frees what it holds (offscreen canvases). */
  dispose?(): void;
}

/** A layer as the layers panel lists it. */
export interface LayerEntry {
  id: string;
  name: string;
  available: boolean;
  visible: boolean;
  opacity: number;
}
