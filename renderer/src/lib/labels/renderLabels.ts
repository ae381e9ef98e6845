import type { VoxelType } from '../../../../protocol/contract.js';
import { segmentColor } from '../neurons/segmentColor.js';

/** A tile or slice of label ids as the engine sends it. */
export interface LabelData {
  width: number;
  height: number;
  dtype: VoxelType;
  data: ArrayBuffer;
}

/**
 * Label ids → RGBA: each id in its segment colour (the same as in the neuron views), 0 (no
 * segment, or boundary) transparent. Colours are looked up once per id present, so a tile of a
 * few dozen neurons costs one pass over its pixels.
 */
export function renderLabels(labels: LabelData, out = new Uint8ClampedArray(labels.width * labels.height * 4)): Uint8ClampedArray<ArrayBuffer> {
  const count = labels.width * labels.height;
  const ids = labelIds(labels);
  if (ids.length < count) throw new RangeError(`renderLabels: ${ids.length} ids for a ${labels.width} × ${labels.height} tile.`);
  const pixels = new Uint32Array(out.buffer, out.byteOffset, count);
  const colours = new Map<number, number>();
  let lastId = 0;
  let lastColour = 0;
  for (let i = 0; i < count; i++) {
    const id = ids[i]!;
    if (id === 0) {
      pixels[i] = 0;
      continue;
    }
    if (id !== lastId) {
      let colour = colours.get(id);
      if (colour === undefined) {
        const [r, g, b] = segmentColor(id);
        // Little-endian RGBA as one uint32.
        colour = (0xff000000 | (b << 16) | (g << 8) | r) >>> 0;
        colours.set(id, colour);
      }
      lastId = id;
      lastColour = colour;
    }
    pixels[i] = lastColour;
  }
  return out as Uint8ClampedArray<ArrayBuffer>;
}

/** The ids of a label tile as an array of numbers of its type. */
function labelIds(labels: LabelData): Uint8Array | Uint16Array | Uint32Array {
  switch (labels.dtype) {
    case 'uint8':
      return new Uint8Array(labels.data);
    case 'uint16':
      return new Uint16Array(labels.data);
    case 'uint32':
      return new Uint32Array(labels.data);
    default:
      throw new RangeError(`renderLabels: ${labels.dtype} voxels are not label ids.`);
  }
}
