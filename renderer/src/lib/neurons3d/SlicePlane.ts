import * as THREE from 'three';
import type { SliceTexturePixels } from './sliceTexture.js';

// Neurons behind the plane show through at 40 %: the EM image reads, and so does the neuron
// below a slice near the top of the stack, which the default view looks down on.
const TEXTURED_OPACITY = 0.6;
const BARE_OPACITY = 0.16;

/**
 * The current slice as a translucent plane across the volume, textured with the slice image when
 * there is one and outlined so it reads even when bare. Built on a unit square scaled to the
 * volume, so a new volume or slice moves it without new buffers. Owns its geometries, materials
 * and texture (not the image: that stays the caller's).
 */
export class SlicePlane {
  readonly object = new THREE.Group();
  readonly #geometry: THREE.BufferGeometry;
  readonly #material: THREE.MeshBasicMaterial;
  readonly #outlineGeometry: THREE.BufferGeometry;
  readonly #outlineMaterial: THREE.LineBasicMaterial;
  #texture: THREE.DataTexture | null = null;
  #image: SliceTexturePixels | null = null;

  constructor() {
    this.#geometry = new THREE.BufferGeometry();
    const corners = [0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0];
    this.#geometry.setAttribute('position', new THREE.Float32BufferAttribute(corners, 3));
    // Image row 0 is at y = 0; pixel rows are uploaded as they are (row 0 at v = 0), so v runs with y.
    this.#geometry.setAttribute('uv', new THREE.Float32BufferAttribute([0, 0, 1, 0, 1, 1, 0, 1], 2));
    this.#geometry.setIndex([0, 1, 2, 0, 2, 3]);
    this.#material = new THREE.MeshBasicMaterial({
      color: 0x9aa0a8,
      transparent: true,
      opacity: BARE_OPACITY,
      side: THREE.DoubleSide,
      // Neurons behind the plane must still draw; the plane is sorted after them as transparent.
      depthWrite: false,
    });
    const plane = new THREE.Mesh(this.#geometry, this.#material);
    plane.renderOrder = 1;
    this.#outlineGeometry = new THREE.BufferGeometry();
    this.#outlineGeometry.setAttribute('position', new THREE.Float32BufferAttribute(corners, 3));
    this.#outlineMaterial = new THREE.LineBasicMaterial({ color: 0x3d9df3 });
    const outline = new THREE.LineLoop(this.#outlineGeometry, this.#outlineMaterial);
    this.object.add(plane, outline);
    this.object.visible = false;
  }

  /** Spans the volume's x and y (nm) at height z (nm). */
  place(width: number, height: number, z: number): void {
    this.object.scale.set(width, height, 1);
    this.object.position.set(0, 0, z);
    this.object.visible = width > 0 && height > 0;
  }

  /** Shows these pixels on the plane, or a bare translucent plane for null. */
  setImage(image: SliceTexturePixels | null): void {
    if (image === this.#image) return;
    this.#image = image;
    this.#texture?.dispose();
    this.#texture = null;
    if (image) {
      const texture = new THREE.DataTexture(image.data, image.width, image.height, THREE.RGBAFormat, THREE.UnsignedByteType);
      texture.colorSpace = THREE.SRGBColorSpace;
      texture.magFilter = THREE.LinearFilter;
      // Mipmaps: the plane is usually seen small and at a slant, where a 512² or 4096² slice
      // would shimmer without them. Rebuilding them costs one pass per slice change.
      texture.generateMipmaps = true;
      texture.minFilter = THREE.LinearMipmapLinearFilter;
      texture.anisotropy = 4;
      texture.needsUpdate = true;
      this.#texture = texture;
    }
    this.#material.map = this.#texture;
    this.#material.color.set(image ? 0xffffff : 0x9aa0a8);
    this.#material.opacity = image ? TEXTURED_OPACITY : BARE_OPACITY;
    this.#material.needsUpdate = true;
  }

  get textured(): boolean {
    return this.#texture !== null;
  }

  dispose(): void {
    this.#texture?.dispose();
    this.#texture = null;
    this.#image = null;
    this.#geometry.dispose();
    this.#material.dispose();
    this.#outlineGeometry.dispose();
    this.#outlineMaterial.dispose();
    this.object.removeFromParent();
  }
}
