import * as THREE from 'three';
import type { NeuronGeometry } from './NeuronMesh.js';

/** Triangles per box: small enough that a ray tests few, large enough that boxes stay few. */
const TRIANGLES_PER_CHUNK = 32;

/**
 * Ray tests against one neuron's full mesh without testing every triangle: boxes around runs of
 * consecutive triangles (meshes list their triangles in spatially coherent order, ring by ring
 * or slab by slab) let a ray skip all but the few runs it passes near. Neurites cross the whole
 * volume, so their bounding spheres overlap nearly every click, and three's per-triangle raycast
 * took ~100 ms per click for 500 neurons without a GPU to spare.
 */
export class TrianglePicker {
  readonly #positions: Float32Array;
  readonly #indices: Uint32Array;
  /** minX, minY, minZ, maxX, maxY, maxZ per chunk. */
  readonly #boxes: Float32Array;

  constructor(geometry: NeuronGeometry) {
    this.#positions = geometry.positions;
    this.#indices = geometry.indices;
    const triangles = Math.floor(geometry.indices.length / 3);
    const chunks = Math.ceil(triangles / TRIANGLES_PER_CHUNK);
    this.#boxes = new Float32Array(chunks * 6);
    for (let chunk = 0; chunk < chunks; chunk++) {
      const box = [Infinity, Infinity, Infinity, -Infinity, -Infinity, -Infinity];
      const end = Math.min(triangles, (chunk + 1) * TRIANGLES_PER_CHUNK) * 3;
      for (let i = chunk * TRIANGLES_PER_CHUNK * 3; i < end; i++) {
        const vertex = this.#indices[i]! * 3;
        for (let axis = 0; axis < 3; axis++) {
          const value = this.#positions[vertex + axis]!;
          if (value < box[axis]!) box[axis] = value;
          if (value > box[axis + 3]!) box[axis + 3] = value;
        }
      }
      this.#boxes.set(box, chunk * 6);
    }
  }

  /** Distance along the ray to the nearest triangle it hits (either side), or null. */
  intersect(ray: THREE.Ray): number | null {
    const box = new THREE.Box3();
    const a = new THREE.Vector3();
    const b = new THREE.Vector3();
    const c = new THREE.Vector3();
    const hit = new THREE.Vector3();
    const triangles = Math.floor(this.#indices.length / 3);
    let nearest: number | null = null;
    for (let chunk = 0; chunk * 6 < this.#boxes.length; chunk++) {
      const o = chunk * 6;
      box.min.set(this.#boxes[o]!, this.#boxes[o + 1]!, this.#boxes[o + 2]!);
      box.max.set(this.#boxes[o + 3]!, this.#boxes[o + 4]!, this.#boxes[o + 5]!);
      if (!ray.intersectsBox(box)) continue;
      const end = Math.min(triangles, (chunk + 1) * TRIANGLES_PER_CHUNK);
      for (let triangle = chunk * TRIANGLES_PER_CHUNK; triangle < end; triangle++) {
        a.fromArray(this.#positions, this.#indices[triangle * 3]! * 3);
        b.fromArray(this.#positions, this.#indices[triangle * 3 + 1]! * 3);
        c.fromArray(this.#positions, this.#indices[triangle * 3 + 2]! * 3);
        if (!ray.intersectTriangle(a, b, c, false, hit)) continue;
        const distance = hit.distanceTo(ray.origin);
        if (nearest === null || distance < nearest) nearest = distance;
      }
    }
    return nearest;
  }
}
