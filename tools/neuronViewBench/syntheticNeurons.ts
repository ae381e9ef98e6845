/**
 * Synthetic neurons for the 3D view benchmark: tubes along smooth random paths through a volume,
 * each with a full mesh and a decimated one (about a tenth of the triangles, as meshoptimizer's
 * simplifier leaves of a marching-cubes surface). Deterministic for a given seed.
 */
import * as THREE from 'three';
import type { NeuronGeometry, NeuronMesh, NeuronVolume } from '../../renderer/src/lib/neurons3d/NeuronMesh.js';
import { neuronColor } from '../../renderer/src/lib/neurons3d/neuronColor.js';

export interface SyntheticOptions {
  count: number;
  volume: NeuronVolume;
  /** Triangles of the full mesh, about (default 3000). */
  triangles?: number;
  /** Share of triangles each decimated mesh keeps, finest first (default [0.1, 0.03]); [] for none. */
  lodRatios?: readonly number[];
  seed?: number;
  /** Distinct colours to use (default: one per neuron). */
  colors?: number;
}

export function syntheticNeurons(options: SyntheticOptions): NeuronMesh[] {
  const random = mulberry32(options.seed ?? 1);
  const { volume } = options;
  const size = new THREE.Vector3(volume.width * volume.voxelSize.x, volume.height * volume.voxelSize.y, volume.depth * volume.voxelSize.z);
  const triangles = options.triangles ?? 3000;
  const lodRatios = options.lodRatios ?? [0.1, 0.03];
  const meshes: NeuronMesh[] = [];
  for (let index = 0; index < options.count; index++) {
    const id = index + 1;
    // Like a neurite cut by the volume: enters on one face, wanders, leaves through another.
    const points = [boundaryPoint(random, size)];
    const bends = 2 + Math.floor(random() * 3);
    for (let p = 0; p < bends; p++) points.push(new THREE.Vector3(random() * size.x, random() * size.y, random() * size.z));
    points.push(boundaryPoint(random, size));
    const path = new THREE.CatmullRomCurve3(points);
    const radius = 30 + random() * 60;
    const full = tube(path, radius, triangles, 12);
    const lod = lodRatios.map((ratio) => tube(path, radius, triangles * ratio, ratio >= 0.08 ? 5 : 3));
    meshes.push({ id, color: neuronColor(options.colors ? 1 + (index % options.colors) : id), ...full, lod });
  }
  return meshes;
}

/** A random point on the box's faces. */
function boundaryPoint(random: () => number, size: THREE.Vector3): THREE.Vector3 {
  const point = new THREE.Vector3(random() * size.x, random() * size.y, random() * size.z);
  const axis = Math.floor(random() * 3) as 0 | 1 | 2;
  point.setComponent(axis, random() < 0.5 ? 0 : size.getComponent(axis));
  return point;
}

/** An open tube of about `triangles` triangles with `radial` sides, as plain arrays. */
function tube(path: THREE.Curve<THREE.Vector3>, radius: number, triangles: number, radial: number): NeuronGeometry {
  const segments = Math.max(2, Math.round(triangles / (2 * radial)));
  const geometry = new THREE.TubeGeometry(path, segments, radius, radial, false);
  const positions = new Float32Array(geometry.getAttribute('position').array);
  const indices = Uint32Array.from(geometry.getIndex()!.array);
  geometry.dispose();
  return { positions, indices };
}

/** A small seeded generator, so every run draws the same scene. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
