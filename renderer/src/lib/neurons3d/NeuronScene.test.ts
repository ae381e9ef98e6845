// @vitest-environment jsdom
import * as THREE from 'three';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { NeuronMesh, NeuronVolume } from './NeuronMesh.js';
import { FRAME_FILL } from './frameBox.js';
import { NeuronScene, type SceneRenderer } from './NeuronScene.js';

const volume: NeuronVolume = { width: 100, height: 100, depth: 10, voxelSize: { x: 10, y: 10, z: 100 } };

/** An axis-aligned box (nm) as a closed triangle mesh, optionally with a coarser stand-in. */
function box(id: number, center: [number, number, number], half: number, color: [number, number, number] = [0.8, 0.2, 0.2]): NeuronMesh {
  const positions = new Float32Array(8 * 3);
  for (let corner = 0; corner < 8; corner++) {
    positions.set([center[0] + (corner & 1 ? half : -half), center[1] + (corner & 2 ? half : -half), center[2] + (corner & 4 ? half : -half)], corner * 3);
  }
  const faces = [0, 2, 1, 1, 2, 3, 4, 5, 6, 5, 7, 6, 0, 1, 4, 1, 5, 4, 2, 6, 3, 3, 6, 7, 0, 4, 2, 2, 4, 6, 1, 3, 5, 3, 7, 5];
  const lod = { positions: positions.slice(), indices: new Uint32Array(faces.slice(0, 6)) };
  return { id, color, positions, indices: new Uint32Array(faces), lod };
}

class FakeRenderer implements SceneRenderer {
  readonly info = { render: { calls: 0, triangles: 0 } };
  renders = 0;
  pixelRatio = 1;
  size = { width: 0, height: 0 };
  render = vi.fn((scene: THREE.Object3D) => {
    this.renders++;
    let triangles = 0;
    scene.traverseVisible((object) => {
      if (object instanceof THREE.Mesh && object.geometry.index) triangles += object.geometry.index.count / 3;
    });
    this.info.render.triangles = triangles;
  });
  setPixelRatio = vi.fn((ratio: number) => {
    this.pixelRatio = ratio;
  });
  setSize = vi.fn((width: number, height: number) => {
    this.size = { width, height };
  });
  dispose = vi.fn();
  forceContextLoss = vi.fn();
}

let renderer: FakeRenderer;
let frames: Map<number, () => void>;
let canvas: HTMLCanvasElement;
let scene: NeuronScene;

/** Runs the animation frames requested so far; returns how many ran. */
function runFrames(): number {
  const pending = [...frames.values()];
  frames.clear();
  for (const frame of pending) frame();
  return pending.length;
}

function create(options: { triangleBudget?: number; stillTriangleBudget?: number } = {}): NeuronScene {
  let next = 1;
  return new NeuronScene(canvas, {
    ...options,
    createRenderer: () => renderer,
    requestFrame: (callback) => {
      frames.set(next, callback);
      return next++;
    },
    cancelFrame: (handle) => frames.delete(handle),
  });
}

beforeEach(() => {
  renderer = new FakeRenderer();
  frames = new Map();
  canvas = document.createElement('canvas');
  canvas.getBoundingClientRect = () => ({ left: 0, top: 0, width: 400, height: 300, right: 400, bottom: 300, x: 0, y: 0, toJSON: () => ({}) });
  // OrbitControls captures the pointer on press; jsdom has no pointer capture.
  canvas.setPointerCapture = () => undefined;
  canvas.releasePointerCapture = () => undefined;
  canvas.hasPointerCapture = () => false;
  document.body.append(canvas);
  scene = create();
  scene.resize(400, 300, 2);
  scene.setVolume(volume);
});

afterEach(() => {
  scene.dispose();
  canvas.remove();
});

describe('NeuronScene', () => {
  it('draws on demand: one frame for a batch of changes, none while idle', () => {
    runFrames();
    const before = renderer.renders;
    scene.setMeshes([box(1, [500, 500, 500], 100)]);
    scene.setSelection([1]);
    scene.setSlicePlane(3);
    expect(runFrames()).toBe(1);
    expect(renderer.renders).toBe(before + 1);
    expect(runFrames()).toBe(0);
  });

  it('rebuilds only neurons whose geometry changed', () => {
    const one = box(1, [300, 300, 300], 50);
    const two = box(2, [700, 700, 700], 50);
    expect(scene.setMeshes([one, two])).toEqual({ added: 2, rebuilt: 0, recolored: 0, removed: 0 });
    const disposed = vi.fn();
    scene.scene.traverse((object) => {
      if (object instanceof THREE.Mesh) object.geometry.addEventListener('dispose', disposed);
    });
    expect(scene.setMeshes([one, { ...two, color: [0, 1, 0] }])).toEqual({ added: 0, rebuilt: 0, recolored: 1, removed: 0 });
    expect(disposed).not.toHaveBeenCalled();
    expect(scene.upsertMesh(one)).toEqual({ added: 0, rebuilt: 0, recolored: 0, removed: 0 });
    const moved = box(1, [320, 300, 300], 50);
    expect(scene.upsertMesh(moved)).toEqual({ added: 0, rebuilt: 1, recolored: 0, removed: 0 });
    // The full mesh and the decimated one of neuron 1, nothing of neuron 2.
    expect(disposed).toHaveBeenCalledTimes(2);
    expect(scene.removeMesh(2)).toEqual({ added: 0, rebuilt: 0, recolored: 0, removed: 1 });
    expect(scene.neuronCount).toBe(1);
  });

  it('shares one material per colour and selection state', () => {
    scene.setMeshes([box(1, [200, 200, 200], 50), box(2, [500, 500, 500], 50), box(3, [800, 800, 800], 50, [0, 0, 1])]);
    expect(scene.materialCount).toBe(2);
    scene.setSelection([1]);
    expect(scene.materialCount).toBe(3);
    scene.setSelection([]);
    expect(scene.materialCount).toBe(2);
  });

  it('picks the visible neuron under a point, nearest first', () => {
    // The view centre looks at the volume centre (500, 500, 500).
    scene.setMeshes([box(1, [500, 500, 500], 120)]);
    expect(scene.pick({ x: 0, y: 0 })).toBe(1);
    // A box in front of it along the view ray, towards the camera, wins.
    const towardsCamera = scene.camera.position.clone().sub(new THREE.Vector3(500, 500, 500)).setLength(300).add(new THREE.Vector3(500, 500, 500));
    scene.upsertMesh(box(2, [towardsCamera.x, towardsCamera.y, towardsCamera.z], 40));
    expect(scene.pick({ x: 0, y: 0 })).toBe(2);
    scene.removeMesh(2);
    expect(scene.pick({ x: 0, y: 0 })).toBe(1);
    expect(scene.pick({ x: 0.95, y: 0.95 })).toBeNull();
    scene.setHidden([1]);
    expect(scene.pick({ x: 0, y: 0 })).toBeNull();
    scene.setHidden([]);
    scene.isolate([2]);
    expect(scene.pick({ x: 0, y: 0 })).toBeNull();
    scene.isolate(null);
    expect(scene.pick({ x: 0, y: 0 })).toBe(1);
  });

  it('reports clicks, not drags, to pick listeners', () => {
    scene.setMeshes([box(1, [500, 500, 500], 120)]);
    const picked = vi.fn();
    scene.onPick(picked);
    const event = (type: string, x: number): PointerEvent => new PointerEvent(type, { clientX: x, clientY: 150, button: 0, isPrimary: true, pointerId: 1 });
    canvas.dispatchEvent(event('pointerdown', 200));
    canvas.dispatchEvent(event('pointerup', 200));
    expect(picked).toHaveBeenCalledWith(1);
    canvas.dispatchEvent(event('pointerdown', 2));
    canvas.dispatchEvent(event('pointerup', 2));
    expect(picked).toHaveBeenLastCalledWith(null);
    expect(picked).toHaveBeenCalledTimes(2);
  });

  it('draws far neurons decimated within the triangle budget, selected ones in full', () => {
    scene.dispose();
    scene = create({ triangleBudget: 10, stillTriangleBudget: 10 });
    scene.resize(400, 300, 1);
    scene.setVolume(volume);
    scene.setMeshes([box(1, [300, 300, 300], 50), box(2, [700, 700, 700], 50)]);
    runFrames();
    expect([...scene.shownLevels().values()]).toEqual([1, 1]);
    scene.setSelection([2]);
    runFrames();
    expect(scene.shownLevels().get(2)).toBe(0);
    expect(scene.shownLevels().get(1)).toBe(1);
    scene.setTriangleBudget(1000);
    runFrames();
    expect([...scene.shownLevels().values()]).toEqual([0, 0]);
  });

  it('gives a round scale bar of about 80–160 px', () => {
    const bar = scene.scaleBar();
    expect(bar.pixels).toBeGreaterThan(60);
    expect(bar.pixels).toBeLessThan(200);
    expect([1, 2, 5]).toContain(Math.round(bar.lengthUm / 10 ** Math.floor(Math.log10(bar.lengthUm) + 1e-9)));
    // Zooming in makes the same length longer on screen.
    const before = bar.pixels / bar.lengthUm;
    scene.camera.position.lerp(new THREE.Vector3(500, 500, 500), 0.5);
    const after = scene.scaleBar();
    expect(after.pixels / after.lengthUm).toBeCloseTo(before * 2, 0);
  });

  it('frames what is shown as it comes, until the user moves the camera; Isolate and F frame again', () => {
    /** The largest |x| or |y| (normalized device coordinates) of a box's corners, or Infinity if one is behind the camera. */
    const reach = (center: [number, number, number], half: number | [number, number, number]): number => {
      scene.camera.updateMatrixWorld();
      const [hx, hy, hz] = typeof half === 'number' ? [half, half, half] : half;
      let widest = 0;
      for (let corner = 0; corner < 8; corner++) {
        const point = new THREE.Vector3(...center).add(new THREE.Vector3(corner & 1 ? hx : -hx, corner & 2 ? hy : -hy, corner & 4 ? hz : -hz));
        const ndc = point.project(scene.camera);
        widest = Math.max(widest, Math.abs(ndc.z) < 1 ? Math.max(Math.abs(ndc.x), Math.abs(ndc.y)) : Infinity);
      }
      return widest;
    };
    // The volume (1000 nm cube) first, then the one neuron, filling the view up to the margin.
    expect(reach([500, 500, 500], 500)).toBeCloseTo(FRAME_FILL, 3);
    scene.setMeshes([box(1, [300, 300, 300], 50)]);
    expect(reach([300, 300, 300], 50)).toBeCloseTo(FRAME_FILL, 3);
    // Two neurons: the box around both, [250, 750]³, fills the view; a tall narrow view too.
    scene.setMeshes([box(1, [300, 300, 300], 50), box(2, [700, 700, 700], 50)]);
    expect(reach([500, 500, 500], 250)).toBeCloseTo(FRAME_FILL, 3);
    scene.resize(150, 600, 1);
    expect(reach([500, 500, 500], 250)).toBeCloseTo(FRAME_FILL, 3);
    expect(scene.following).toBe(true);
    // A drag takes the camera: a neuron that comes now does not move it.
    canvas.dispatchEvent(new PointerEvent('pointerdown', { clientX: 75, clientY: 300, button: 0, isPrimary: true, pointerId: 1 }));
    canvas.dispatchEvent(new PointerEvent('pointerup', { clientX: 75, clientY: 300, button: 0, isPrimary: true, pointerId: 1 }));
    expect(scene.following).toBe(false);
    const taken = scene.camera.position.clone();
    scene.upsertMesh(box(3, [900, 100, 500], 30));
    expect(scene.camera.position.distanceTo(taken)).toBeLessThan(1e-9);
    // Isolate frames the isolated neuron; F frames what is shown, from the same direction.
    scene.isolate([3]);
    expect(reach([900, 100, 500], 30)).toBeCloseTo(FRAME_FILL, 3);
    scene.isolate(null);
    scene.rotateView(0.7, 0.2);
    const direction = scene.camera.position.clone().sub(new THREE.Vector3(900, 100, 500)).normalize();
    scene.frameShown();
    // All three: x 250–930, y 70–750, z 250–750.
    expect(reach([590, 410, 500], [340, 340, 250])).toBeCloseTo(FRAME_FILL, 3);
    expect(scene.following).toBe(true);
    scene.resetView();
    expect(scene.camera.position.clone().normalize().dot(direction)).toBeLessThan(0.999);
  });

  it('keeps the view when the same volume comes again and frames a new one', () => {
    scene.rotateView(0.5, 0);
    const turned = scene.camera.position.clone();
    scene.setVolume({ ...volume, voxelSize: { ...volume.voxelSize } });
    expect(scene.camera.position.distanceTo(turned)).toBeLessThan(1e-6);
    scene.setVolume({ ...volume, depth: 20 });
    expect(scene.camera.position.distanceTo(turned)).toBeGreaterThan(1);
  });

  it('sizes the drawing buffer from CSS size and device pixel ratio', () => {
    runFrames();
    expect(renderer.setSize).toHaveBeenLastCalledWith(400, 300, false);
    expect(renderer.pixelRatio).toBe(2);
    expect(scene.camera.aspect).toBeCloseTo(4 / 3);
  });

  it('disposes every geometry, material and texture it made, and its listeners', () => {
    scene.setMeshes([box(1, [300, 300, 300], 50), box(2, [700, 700, 700], 50, [0, 1, 0])]);
    scene.setSelection([2]);
    const image = { data: new Uint8Array(4 * 4 * 4), width: 4, height: 4 };
    scene.setSlicePlane(4, image);
    const resources = new Set<THREE.BufferGeometry | THREE.Material | THREE.Texture>();
    scene.scene.traverse((object) => {
      if (object instanceof THREE.Mesh || object instanceof THREE.Line) {
        resources.add(object.geometry);
        for (const material of [object.material].flat()) {
          resources.add(material);
          if ('map' in material && material.map instanceof THREE.Texture) resources.add(material.map);
        }
      }
    });
    expect([...resources].some((r) => r instanceof THREE.Texture)).toBe(true);
    const disposed = new Set<unknown>();
    for (const resource of resources) resource.addEventListener('dispose', () => disposed.add(resource));
    // A replaced slice image disposes the old texture at once.
    scene.setSlicePlane(5, { ...image, data: new Uint8Array(4 * 4 * 4) });
    const picked = vi.fn();
    scene.onPick(picked);
    scene.requestRender();
    scene.dispose();
    expect(disposed.size).toBe(resources.size);
    expect(renderer.dispose).toHaveBeenCalled();
    expect(renderer.forceContextLoss).toHaveBeenCalled();
    expect(frames.size).toBe(0);
    canvas.dispatchEvent(new PointerEvent('pointerdown', { clientX: 200, clientY: 150, button: 0, isPrimary: true }));
    canvas.dispatchEvent(new PointerEvent('pointerup', { clientX: 200, clientY: 150, button: 0, isPrimary: true }));
    expect(picked).not.toHaveBeenCalled();
  });
});
