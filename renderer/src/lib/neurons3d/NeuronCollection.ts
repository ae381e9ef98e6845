import * as THREE from 'three';
import { chooseDetailLevels, type DetailCandidate } from './chooseDetailLevels.js';
import { MaterialCache } from './MaterialCache.js';
import type { NeuronMesh } from './NeuronMesh.js';
import { NeuronObject } from './NeuronObject.js';
import { planMeshChanges, type MeshChanges, type MeshRecord } from './planMeshChanges.js';

/** Counts of what a mesh update did: only added and rebuilt neurons build buffers. */
export interface MeshUpdateCounts {
  added: number;
  rebuilt: number;
  recolored: number;
  removed: number;
}

/**
 * The neurons of a scene by id, with their selection, hiding and isolation, their level of
 * detail and picking. Owns the NeuronObjects and the materials they share; dispose() frees them.
 */
export class NeuronCollection {
  /** Holds every neuron's group; the scene adds it once. */
  readonly group = new THREE.Group();
  readonly materials = new MaterialCache();
  readonly #neurons = new Map<number, NeuronObject>();
  #selection = new Set<number>();
  #hidden = new Set<number>();
  #isolated: Set<number> | null = null;

  /** Replaces all neurons; only new neurons and those with new geometry build buffers. */
  setMeshes(meshes: readonly NeuronMesh[]): MeshUpdateCounts {
    const held = new Map<number, MeshRecord>();
    for (const [id, neuron] of this.#neurons) held.set(id, neuron.record);
    return this.#apply(planMeshChanges(held, meshes));
  }

  /** Adds or updates one neuron; the same arrays and colour again do nothing. */
  upsert(mesh: NeuronMesh): MeshUpdateCounts {
    const neuron = this.#neurons.get(mesh.id);
    return this.#apply(planMeshChanges(new Map(neuron ? [[mesh.id, neuron.record]] : []), [mesh]));
  }

  remove(id: number): MeshUpdateCounts {
    return this.#apply({ add: [], rebuild: [], recolor: [], remove: this.#neurons.has(id) ? [id] : [] });
  }

  setSelection(ids: Iterable<number>): void {
    this.#selection = new Set(ids);
    for (const neuron of this.#neurons.values()) neuron.setSelected(this.#selection.has(neuron.id));
  }

  setHidden(ids: Iterable<number>): void {
    this.#hidden = new Set(ids);
    this.#applyVisibility();
  }

  /** Shows only these neurons (hidden ones stay hidden), or all again for null. */
  isolate(ids: Iterable<number> | null): void {
    this.#isolated = ids === null ? null : new Set(ids);
    this.#applyVisibility();
  }

  get isolated(): ReadonlySet<number> | null {
    return this.#isolated;
  }

  /** The box (nm) around every shown neuron; empty when none is shown. */
  shownBox(target = new THREE.Box3()): THREE.Box3 {
    target.makeEmpty();
    for (const neuron of this.#neurons.values()) if (neuron.visible) target.union(neuron.box);
    return target;
  }

  get size(): number {
    return this.#neurons.size;
  }

  /** The level of detail each neuron was last drawn at (0 = full mesh). */
  shownLevels(): Map<number, number> {
    return new Map([...this.#neurons].map(([id, neuron]) => [id, neuron.shownLevel]));
  }

  /**
   * Sets each visible neuron in the camera's view to the finest level of detail the triangle
   * budget allows, biggest-looking first; returns how many get their full mesh.
   */
  chooseDetail(camera: THREE.PerspectiveCamera, triangleBudget: number): number {
    camera.updateMatrixWorld();
    const frustum = new THREE.Frustum().setFromProjectionMatrix(new THREE.Matrix4().multiplyMatrices(camera.projectionMatrix, camera.matrixWorldInverse));
    const candidates: DetailCandidate[] = [];
    for (const neuron of this.#neurons.values()) {
      if (!neuron.visible || neuron.bounds.isEmpty() || !frustum.intersectsSphere(neuron.bounds)) continue;
      const distance = Math.max(camera.near, camera.position.distanceTo(neuron.bounds.center) - neuron.bounds.radius);
      candidates.push({ id: neuron.id, apparentSize: neuron.bounds.radius / distance, levelTriangles: neuron.levelTriangles, selected: this.#selection.has(neuron.id) });
    }
    let detailed = 0;
    for (const [id, level] of chooseDetailLevels(candidates, triangleBudget)) {
      this.#neurons.get(id)!.showLevel(level);
      if (level === 0) detailed++;
    }
    return detailed;
  }

  /** The nearest visible neuron a world-space ray hits (tested against full meshes), or null. */
  pick(ray: THREE.Ray): number | null {
    let nearest: { id: number; distance: number } | null = null;
    for (const neuron of this.#neurons.values()) {
      if (!neuron.visible) continue;
      const distance = neuron.intersect(ray);
      if (distance !== null && (nearest === null || distance < nearest.distance)) nearest = { id: neuron.id, distance };
    }
    return nearest?.id ?? null;
  }

  dispose(): void {
    for (const neuron of this.#neurons.values()) neuron.dispose();
    this.#neurons.clear();
    this.materials.dispose();
    this.group.removeFromParent();
  }

  #apply(changes: MeshChanges): MeshUpdateCounts {
    for (const id of changes.remove) {
      this.#neurons.get(id)?.dispose();
      this.#neurons.delete(id);
    }
    for (const mesh of changes.add) {
      const neuron = new NeuronObject(mesh, this.materials, this.#selection.has(mesh.id));
      this.#neurons.set(mesh.id, neuron);
      this.group.add(neuron.group);
      neuron.setVisible(this.#isShown(mesh.id));
    }
    for (const mesh of changes.rebuild) this.#neurons.get(mesh.id)?.rebuild(mesh);
    for (const mesh of changes.recolor) this.#neurons.get(mesh.id)?.setColor(mesh.color);
    return { added: changes.add.length, rebuilt: changes.rebuild.length, recolored: changes.recolor.length, removed: changes.remove.length };
  }

  #isShown(id: number): boolean {
    return !this.#hidden.has(id) && (this.#isolated === null || this.#isolated.has(id));
  }

  #applyVisibility(): void {
    for (const neuron of this.#neurons.values()) neuron.setVisible(this.#isShown(neuron.id));
  }
}
