import * as THREE from 'three';
import type { MaterialCache } from './MaterialCache.js';
import { colorKey } from './neuronColor.js';
import { detailLevels, triangleCount, type NeuronGeometry, type NeuronMesh, type Rgb } from './NeuronMesh.js';
import { recordOf, type MeshRecord } from './planMeshChanges.js';
import { TrianglePicker } from './TrianglePicker.js';

/**
 * One neuron in the scene: a mesh per level of detail (full first, then decimated) of which one
 * is drawn, and the shared material it borrows from the MaterialCache. It owns its geometries
 * (disposed on rebuild and on dispose) and returns its material to the cache.
 */
export class NeuronObject {
  readonly id: number;
  /** Added to the scene by the owner; hidden neurons hide this group. */
  readonly group = new THREE.Group();
  /** Bounding sphere of the full mesh, in nm: level-of-detail choice and picking. */
  readonly bounds = new THREE.Sphere();
  /** Bounding box of the full mesh, in nm: framing. */
  readonly box = new THREE.Box3();
  #record: MeshRecord;
  #color: Rgb;
  #selected: boolean;
  #material: THREE.ShaderMaterial;
  #levels: THREE.Mesh[] = [];
  #levelTriangles: number[] = [];
  #shownLevel = 0;
  #full: NeuronGeometry;
  /** Built on the first pick that reaches this neuron: most neurons are never clicked. */
  #picker: TrianglePicker | null = null;
  readonly #materials: MaterialCache;

  constructor(mesh: NeuronMesh, materials: MaterialCache, selected: boolean) {
    this.id = mesh.id;
    this.#materials = materials;
    this.#color = mesh.color;
    this.#selected = selected;
    this.#material = materials.acquire(mesh.color, selected);
    this.#record = recordOf(mesh);
    this.#full = mesh;
    // Neurons never move: skip the per-frame matrix work for 500 × levels objects.
    this.group.matrixAutoUpdate = false;
    this.#build(mesh);
  }

  get record(): MeshRecord {
    return this.#record;
  }

  /** Distance along a world-space ray (nm) to this neuron's full mesh, whichever level is drawn. */
  intersect(ray: THREE.Ray): number | null {
    if (!ray.intersectsSphere(this.bounds)) return null;
    this.#picker ??= new TrianglePicker(this.#full);
    return this.#picker.intersect(ray);
  }

  get visible(): boolean {
    return this.group.visible;
  }

  /** Triangles of each level, full mesh first. */
  get levelTriangles(): readonly number[] {
    return this.#levelTriangles;
  }

  /** The level drawn now (0 = full mesh). */
  get shownLevel(): number {
    return this.#shownLevel;
  }

  /** New geometry for this neuron: the old buffers are disposed, the colour kept or changed. */
  rebuild(mesh: NeuronMesh): void {
    this.#removeLevels();
    this.#build(mesh);
    this.#full = mesh;
    this.#picker = null;
    this.#record = recordOf(mesh);
    this.setColor(mesh.color);
  }

  setColor(color: Rgb): void {
    const previous = this.#color;
    this.#color = color;
    this.#record = { ...this.#record, colorKey: colorKey(color) };
    this.#swapMaterial(previous, this.#selected);
  }

  setSelected(selected: boolean): void {
    if (selected === this.#selected) return;
    this.#selected = selected;
    this.#swapMaterial(this.#color, !selected);
  }

  setVisible(visible: boolean): void {
    this.group.visible = visible;
  }

  /** Draws this level (0 = full mesh; clamped to the levels there are). */
  showLevel(level: number): void {
    this.#shownLevel = Math.min(Math.max(0, level), this.#levels.length - 1);
    for (const [index, mesh] of this.#levels.entries()) mesh.visible = index === this.#shownLevel;
  }

  dispose(): void {
    this.#removeLevels();
    this.group.removeFromParent();
    this.#materials.release(this.#color, this.#selected);
  }

  #swapMaterial(previousColor: Rgb, previousSelected: boolean): void {
    // Acquire before releasing, so a material this neuron alone uses is not disposed and rebuilt.
    this.#material = this.#materials.acquire(this.#color, this.#selected);
    for (const mesh of this.#levels) mesh.material = this.#material;
    this.#materials.release(previousColor, previousSelected);
  }

  #build(source: NeuronMesh): void {
    for (const level of detailLevels(source)) {
      const mesh = new THREE.Mesh(buildGeometry(level), this.#material);
      mesh.matrixAutoUpdate = false;
      this.group.add(mesh);
      this.#levels.push(mesh);
      this.#levelTriangles.push(triangleCount(level));
    }
    this.bounds.copy(this.#levels[0]!.geometry.boundingSphere!);
    this.box.copy(this.#levels[0]!.geometry.boundingBox!);
    this.showLevel(this.#shownLevel);
  }

  #removeLevels(): void {
    for (const mesh of this.#levels) {
      mesh.geometry.dispose();
      mesh.removeFromParent();
    }
    this.#levels = [];
    this.#levelTriangles = [];
  }
}

/** A BufferGeometry over the given arrays (not copied), with smooth normals and bounds. */
export function buildGeometry(source: NeuronGeometry): THREE.BufferGeometry {
  const geometry = new THREE.BufferGeometry();
  geometry.setAttribute('position', new THREE.BufferAttribute(source.positions, 3));
  geometry.setIndex(new THREE.BufferAttribute(source.indices, 1));
  if (triangleCount(source) > 0) {
    geometry.computeVertexNormals();
    geometry.computeBoundingBox();
    geometry.computeBoundingSphere();
  } else {
    // three computes NaN bounds (and warns) for an empty mesh; an empty sphere draws nothing.
    geometry.boundingBox = new THREE.Box3();
    geometry.boundingSphere = new THREE.Sphere();
  }
  return geometry;
}
