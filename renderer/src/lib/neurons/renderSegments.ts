import { segmentColor } from './segmentColor.js';

export interface SegmentStyle {
  /** Fill each segment, or draw only its outline. */
  outline: boolean;
  /** 0..1, of fills (outlines are drawn opaque). */
  opacity: number;
  selection: readonly number[];
  hidden: readonly number[];
}

/**
 * Neuron ids (0 = boundary) into RGBA over the EM image: a colour per id, filled at `opacity` or
 * as outlines (pixels with a differently labelled 4-neighbour); selected segments filled
 * stronger and outlined in white; hidden ones left out. Colours are cached per id.
 */
export function renderSegments(out: Uint8ClampedArray, ids: Uint32Array, width: number, height: number, style: SegmentStyle): void {
  const pixels = new Uint32Array(out.buffer, out.byteOffset, width * height);
  const selected = new Set(style.selection);
  const hidden = new Set(style.hidden);
  const fillAlpha = Math.round(Math.min(1, Math.max(0, style.opacity)) * 255);
  const selectedAlpha = Math.max(fillAlpha, 200);
  const packed = new Map<number, number>();
  const colourOf = (id: number, alpha: number): number => {
    const key = id * 256 + alpha;
    let value = packed.get(key);
    if (value === undefined) {
      const [r, g, b] = segmentColor(id);
      value = ((alpha << 24) | (b << 16) | (g << 8) | r) >>> 0;
      packed.set(key, value);
    }
    return value;
  };
  const WHITE = 0xffffffff;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const id = ids[i]!;
      if (id === 0 || hidden.has(id)) {
        pixels[i] = 0;
        continue;
      }
      const edge = (x > 0 && ids[i - 1] !== id) || (x < width - 1 && ids[i + 1] !== id) || (y > 0 && ids[i - width] !== id) || (y < height - 1 && ids[i + width] !== id);
      if (selected.has(id)) pixels[i] = edge ? WHITE : colourOf(id, selectedAlpha);
      else if (style.outline) pixels[i] = edge ? colourOf(id, 255) : 0;
      else pixels[i] = colourOf(id, fillAlpha);
    }
  }
}
