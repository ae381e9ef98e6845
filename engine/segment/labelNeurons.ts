import { connectedComponents4 } from '../metrics/connectedComponents4.js';
import { linkSlices } from './linkSlices.js';

/**
 * A 3D reference from 2D labels (ISBI 2012: uint8, > 127 = cell, 0 = membrane, z-major), which
 * have no neuron ids across slices: each slice's 4-connected cells, linked into neurons by
 * linkSlices' overlap rule (every pixel counts; the labels' cells hold no membrane). What a
 * segmentation's links merge or split shows in 3D scores against it; its own linking errors
 * (a neurite that moves far between sections) are in it too, so read those scores as a
 * comparison between linkings, not as absolute truth.
 */
export function labelNeurons(labels: Uint8Array, width: number, height: number, depth: number): Uint32Array {
  const plane = width * height;
  if (labels.length !== plane * depth) throw new RangeError(`labelNeurons: the labels hold ${labels.length} voxels, not ${width} × ${height} × ${depth}.`);
  const cells = new Uint32Array(plane * depth);
  for (let z = 0; z < depth; z++) cells.set(connectedComponents4(labels.subarray(z * plane, (z + 1) * plane), width, height, 127).labels, z * plane);
  return linkSlices(cells, width, height, depth).ids;
}
