import type * as THREE from 'three';
import type { Rgb } from './NeuronMesh.js';
import { colorKey, highlightColor } from './neuronColor.js';
import { createNeuronMaterial, createSharedNeuronUniforms, type SharedNeuronUniforms } from './NeuronMaterial.js';

/**
 * Materials shared by neurons of one colour and selection state, counted by use: switching
 * between them costs a few uniforms (one shader program for all), and sharing keeps 500 neurons
 * in a few colours from holding 500 materials. The cache owns them: a material is disposed when
 * its last user releases it, and all on dispose().
 */
export class MaterialCache {
  /** The depth cue all neuron materials read; the scene sets it each frame. */
  readonly shared: SharedNeuronUniforms = createSharedNeuronUniforms();
  readonly #entries = new Map<string, { material: THREE.ShaderMaterial; users: number }>();

  /** A material for this colour; pair each call with a release() of the same arguments. */
  acquire(color: Rgb, selected: boolean): THREE.ShaderMaterial {
    const key = MaterialCache.key(color, selected);
    let entry = this.#entries.get(key);
    if (!entry) {
      entry = { material: createNeuronMaterial(color, selected ? highlightColor(color) : null, this.shared), users: 0 };
      this.#entries.set(key, entry);
    }
    entry.users++;
    return entry.material;
  }

  release(color: Rgb, selected: boolean): void {
    const key = MaterialCache.key(color, selected);
    const entry = this.#entries.get(key);
    if (!entry) return;
    entry.users--;
    if (entry.users <= 0) {
      entry.material.dispose();
      this.#entries.delete(key);
    }
  }

  /** Materials alive now (for tests and stats). */
  get size(): number {
    return this.#entries.size;
  }

  dispose(): void {
    for (const entry of this.#entries.values()) entry.material.dispose();
    this.#entries.clear();
  }

  static key(color: Rgb, selected: boolean): string {
    return `${colorKey(color)}${selected ? '*' : ''}`;
  }
}
