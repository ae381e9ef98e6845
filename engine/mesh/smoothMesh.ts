import type { Mesh } from './Mesh.js';
import { vertexNeighbours } from './vertexNeighbours.js';

/** Taubin's weights: a shrinking step λ then an inflating step μ (|μ| slightly larger), pass band k ≈ 0.1. */
const LAMBDA = 0.5;
const MU = -0.53;

/**
 * Taubin λ|μ smoothing (Taubin 1995, "A signal processing approach to fair surface design"):
 * each iteration moves every vertex towards the mean of its neighbours by λ, then away by μ.
 * Plain Laplacian smoothing shrinks a neuron a little with every step; the μ step undoes most of
 * that, so the volume stays close (see meshNeuron.test.ts for the figures). Only positions change,
 * so a closed mesh stays closed. Returns a new mesh; `iterations` 0 returns the input.
 */
export function smoothMesh(mesh: Mesh, iterations: number): Mesh {
  if (!Number.isInteger(iterations) || iterations < 0) throw new RangeError(`Smoothing iterations must be a whole number, 0 or more, not ${iterations}.`);
  if (iterations === 0 || mesh.indices.length === 0) return mesh;
  const { start, neighbours } = vertexNeighbours(mesh);
  let current = Float64Array.from(mesh.positions);
  let next = new Float64Array(current.length);
  for (let n = 0; n < iterations * 2; n++) {
    const factor = n % 2 === 0 ? LAMBDA : MU;
    umbrellaStep(current, next, start, neighbours, factor);
    [current, next] = [next, current];
  }
  return { positions: Float32Array.from(current), indices: mesh.indices };
}

function umbrellaStep(from: Float64Array, to: Float64Array, start: Uint32Array, neighbours: Uint32Array, factor: number): void {
  const vertices = start.length - 1;
  for (let v = 0; v < vertices; v++) {
    const begin = start[v]!;
    const end = start[v + 1]!;
    const at = v * 3;
    if (end === begin) {
      to[at] = from[at]!;
      to[at + 1] = from[at + 1]!;
      to[at + 2] = from[at + 2]!;
      continue;
    }
    let x = 0;
    let y = 0;
    let z = 0;
    for (let s = begin; s < end; s++) {
      const w = neighbours[s]! * 3;
      x += from[w]!;
      y += from[w + 1]!;
      z += from[w + 2]!;
    }
    const count = end - begin;
    to[at] = from[at]! + factor * (x / count - from[at]!);
    to[at + 1] = from[at + 1]! + factor * (y / count - from[at + 1]!);
    to[at + 2] = from[at + 2]! + factor * (z / count - from[at + 2]!);
  }
}
