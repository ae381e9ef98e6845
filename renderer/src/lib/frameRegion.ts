/** A rectangle of the image, in image pixels. */
export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A view transform: screen = image × scale + offset (CSS pixels). */
export interface ViewTransform {
  scale: number;
  offsetX: number;
  offsetY: number;
}

export interface FrameOptions {
  /** The region's larger side takes this share of the view (the rest is context around it). */
  share: number;
  /** Never zoom in further than this (a small region is not blown up to fill the screen). */
  maxScale: number;
  /** Never zoom out further than this (the scale at which the whole image fits). */
  minScale: number;
}

/** A third of the view, up to 400 %: a 128-pixel tile shows with a tile's width of image on every side. */
export const FRAME_DEFAULTS: Omit<FrameOptions, 'minScale'> = { share: 1 / 3, maxScale: 4 };

/**
 * The view that shows `region` with context around it: zoomed so it takes `share` of the view
 * (within minScale..maxScale), centred, then moved towards the image's interior where centring
 * would show empty canvas beyond the image edge, but never so far that the region comes nearer
 * the view's edge than half its distance from there when centred. A place to check at the image
 * edge therefore sits near the middle of the view with image on three sides, not against the
 * view's edge and not beside a half-empty screen. On an axis where the whole image fits, it is
 * shown whole, centred.
 */
export function frameRegion(region: Region, view: { width: number; height: number }, image: { width: number; height: number }, options: FrameOptions): ViewTransform {
  for (const [name, value] of [
    ['region width', region.width],
    ['region height', region.height],
    ['view width', view.width],
    ['view height', view.height],
  ] as const) {
    if (!(value > 0)) throw new RangeError(`frameRegion: the ${name} must be positive, not ${value}.`);
  }
  const fitted = Math.min(view.width / (region.width / options.share), view.height / (region.height / options.share));
  const scale = Math.max(options.minScale, Math.min(options.maxScale, fitted));
  return {
    scale,
    offsetX: axisOffset(view.width, image.width, region.x, region.x + region.width, scale),
    offsetY: axisOffset(view.height, image.height, region.y, region.y + region.height, scale),
  };
}

/** One axis of frameRegion: the offset for a view of length `view` over an image of length `image`, region [from, to). */
function axisOffset(view: number, image: number, from: number, to: number, scale: number): number {
  // All of the image fits on this axis: show all of it, centred; the region is in sight with its context.
  if (image * scale <= view) return (view - image * scale) / 2;
  const centred = view / 2 - ((from + to) / 2) * scale;
  // The image covers the view: no empty canvas beyond its edge...
  const covered = clamp(centred, view - image * scale, 0);
  // ...unless the region would come nearer the view's edge than half the room it has when centred.
  const margin = Math.max(0, (view - (to - from) * scale) / 4);
  const low = margin - from * scale;
  const high = view - margin - to * scale;
  return low <= high ? clamp(covered, low, high) : centred;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
