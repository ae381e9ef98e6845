import { PNG } from 'pngjs';

// What the 3D view's canvas shows, from element screenshots (WebGL keeps no drawing buffer to
// read back in the page): which pixels a neuron covers, and how much texture the slice plane has.

export interface PixelBox {
  left: number;
  top: number;
  right: number;
  bottom: number;
  count: number;
}

/** The pixels that differ between two shots of the same view (with and without the neuron), and their box. */
export function changedPixels(withNeuron: Buffer, without: Buffer): PixelBox & { width: number; height: number } {
  const a = PNG.sync.read(withNeuron);
  const b = PNG.sync.read(without);
  if (a.width !== b.width || a.height !== b.height) throw new Error(`The two shots differ in size: ${a.width} × ${a.height} and ${b.width} × ${b.height}.`);
  const box = { left: a.width, top: a.height, right: -1, bottom: -1, count: 0 };
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      const at = (y * a.width + x) * 4;
      const difference = Math.abs(a.data[at]! - b.data[at]!) + Math.abs(a.data[at + 1]! - b.data[at + 1]!) + Math.abs(a.data[at + 2]! - b.data[at + 2]!);
      if (difference < 24) continue;
      box.count++;
      box.left = Math.min(box.left, x);
      box.right = Math.max(box.right, x);
      box.top = Math.min(box.top, y);
      box.bottom = Math.max(box.bottom, y);
    }
  }
  return { ...box, width: a.width, height: a.height };
}

/**
 * The grey pixels (red ≈ green ≈ blue) brighter than the background, and the spread (standard
 * deviation) of their level: an EM image on the plane is grey with a large spread; a bare plane
 * is one flat grey.
 */
export function greyTexture(shot: Buffer): { share: number; spread: number } {
  const image = PNG.sync.read(shot);
  let count = 0;
  let sum = 0;
  let squares = 0;
  for (let at = 0; at < image.data.length; at += 4) {
    const [r, g, b] = [image.data[at]!, image.data[at + 1]!, image.data[at + 2]!];
    if (Math.max(r, g, b) - Math.min(r, g, b) > 10 || r + g + b < 3 * 40) continue;
    count++;
    sum += g;
    squares += g * g;
  }
  const mean = count > 0 ? sum / count : 0;
  return { share: count / (image.width * image.height), spread: count > 0 ? Math.sqrt(squares / count - mean * mean) : 0 };
}

/** The share of pixels that differ between two shots. */
export function differentShare(first: Buffer, second: Buffer): number {
  const { count, width, height } = changedPixels(first, second);
  return count / (width * height);
}
