import * as THREE from 'three';

/** The twelve edges of the unit cube, as line-segment end points. */
const CUBE_EDGES = [
  [0, 0, 0, 1, 0, 0], [1, 0, 0, 1, 1, 0], [1, 1, 0, 0, 1, 0], [0, 1, 0, 0, 0, 0],
  [0, 0, 1, 1, 0, 1], [1, 0, 1, 1, 1, 1], [1, 1, 1, 0, 1, 1], [0, 1, 1, 0, 0, 1],
  [0, 0, 0, 0, 0, 1], [1, 0, 0, 1, 0, 1], [1, 1, 0, 1, 1, 1], [0, 1, 0, 0, 1, 1],
].flat();

/**
 * The volume's bounding box as faint lines, so the user keeps their bearings when neurons are
 * hidden or few. A unit cube scaled to the volume; owns its geometry and material.
 */
export class VolumeOutline {
  readonly object: THREE.LineSegments;
  readonly #geometry = new THREE.BufferGeometry();
  readonly #material = new THREE.LineBasicMaterial({ color: 0x55595f, transparent: true, opacity: 0.8 });

  constructor() {
    this.#geometry.setAttribute('position', new THREE.Float32BufferAttribute(CUBE_EDGES, 3));
    this.object = new THREE.LineSegments(this.#geometry, this.#material);
    this.object.visible = false;
  }

  /** Spans [0, x] × [0, y] × [0, z] nm. */
  place(x: number, y: number, z: number): void {
    this.object.scale.set(x, y, z);
    this.object.visible = x > 0 && y > 0 && z > 0;
  }

  dispose(): void {
    this.#geometry.dispose();
    this.#material.dispose();
    this.object.removeFromParent();
  }
}
