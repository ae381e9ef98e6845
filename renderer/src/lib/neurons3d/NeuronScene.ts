import * as THREE from 'three';
import { AdaptiveResolution } from './AdaptiveResolution.js';
import { CameraRig } from './CameraRig.js';
import { chooseScaleBar, type ScaleBar } from './chooseScaleBar.js';
import { ClickDetector } from './ClickDetector.js';
import { FrameStats, type FrameStatsSnapshot } from './FrameStats.js';
import { NeuronCollection, type MeshUpdateCounts } from './NeuronCollection.js';
import { volumeExtent, type NeuronMesh, type NeuronVolume } from './NeuronMesh.js';
import { GPU_TRIANGLE_BUDGET, SOFTWARE_STILL_TRIANGLE_BUDGET, SOFTWARE_TRIANGLE_BUDGET, type NeuronSceneOptions, type SceneRenderer } from './NeuronSceneOptions.js';
import { pointerToNdc } from './pointerToNdc.js';
import { SlicePlane } from './SlicePlane.js';
import type { SliceTexturePixels } from './sliceTexture.js';
import { VolumeOutline } from './VolumeOutline.js';

export { GPU_TRIANGLE_BUDGET, SOFTWARE_STILL_TRIANGLE_BUDGET, SOFTWARE_TRIANGLE_BUDGET, type MeshUpdateCounts, type NeuronSceneOptions, type SceneRenderer };

/** After the last camera change, how long (ms) until the full-resolution frame is drawn. */
const SETTLE_MILLISECONDS = 180;
const BACKGROUND = 0x121315;

/**
 * Neurons in 3D: a WebGL renderer on the given canvas, an orbiting perspective camera, the
 * neurons as individually pickable meshes with levels of detail, the current slice as a
 * translucent plane and the volume's outline. Draws on demand: one animation frame per batch of
 * changes, none while idle. World units are nm. Owns everything it creates; dispose() releases
 * the GPU resources, listeners and timers.
 */
export class NeuronScene {
  readonly scene = new THREE.Scene();
  readonly #canvas: HTMLCanvasElement;
  readonly #renderer: SceneRenderer;
  readonly #rig: CameraRig;
  readonly #clicks: ClickDetector;
  readonly #neurons = new NeuronCollection();
  readonly #slicePlane = new SlicePlane();
  readonly #outline = new VolumeOutline();
  readonly #stats = new FrameStats();
  readonly #resolution: AdaptiveResolution | null;
  readonly #raycaster = new THREE.Raycaster();
  readonly #requestFrame: (callback: () => void) => number;
  readonly #cancelFrame: (handle: number) => void;
  readonly #pickListeners = new Set<(id: number | null) => void>();
  readonly #viewListeners = new Set<() => void>();
  #volume: NeuronVolume = { width: 1, height: 1, depth: 1, voxelSize: { x: 1000, y: 1000, z: 1000 } };
  #sliceZ = 0;
  #triangleBudget: number;
  #stillTriangleBudget: number;
  #size = { width: 0, height: 0, devicePixelRatio: 1, drawnRatio: 0 };
  #frame = 0;
  #moving = false;
  #lastFrameAt = 0;
  #settleTimer: ReturnType<typeof setTimeout> | null = null;
  #disposed = false;
  /**
   * The camera follows what is shown (new neurons, isolation, a new size) until the user turns,
   * pans or zooms; framing again (F, Reset view, Isolate) hands it back to the camera.
   */
  #following = true;
  /** True while the scene itself moves the camera: that is not the user moving it. */
  #framing = false;
  readonly #shown = new THREE.Box3();
  readonly #shownSphere = new THREE.Sphere();

  constructor(canvas: HTMLCanvasElement, options: NeuronSceneOptions = {}) {
    this.#canvas = canvas;
    const software = options.software ?? false;
    const antialias = options.antialias ?? !software;
    this.#renderer = options.createRenderer?.(canvas, antialias) ?? new THREE.WebGLRenderer({ canvas, antialias, powerPreference: 'high-performance' });
    this.#triangleBudget = options.triangleBudget ?? (software ? SOFTWARE_TRIANGLE_BUDGET : GPU_TRIANGLE_BUDGET);
    this.#stillTriangleBudget = Math.max(this.#triangleBudget, options.stillTriangleBudget ?? (software ? SOFTWARE_STILL_TRIANGLE_BUDGET : GPU_TRIANGLE_BUDGET));
    this.#resolution = options.adaptiveResolution === false ? null : new AdaptiveResolution();
    this.#requestFrame = options.requestFrame ?? ((callback) => requestAnimationFrame(callback));
    this.#cancelFrame = options.cancelFrame ?? ((handle) => cancelAnimationFrame(handle));
    this.scene.background = new THREE.Color(BACKGROUND);
    this.#rig = new CameraRig(canvas);
    this.#rig.controls.addEventListener('change', this.#cameraMoved);
    this.#rig.controls.addEventListener('start', this.#userMoves);
    this.#clicks = new ClickDetector(canvas, (x, y) => this.#pickAt(x, y));
    // No light objects: neurons are lit by a headlight in their shader (NeuronMaterial), which
    // is what keeps software-rendered frames cheap; the plane and lines are unlit.
    this.scene.add(this.#neurons.group, this.#outline.object, this.#slicePlane.object);
    this.#applyVolume(this.#volume);
  }

  get camera(): THREE.PerspectiveCamera {
    return this.#rig.camera;
  }

  /** The volume the neurons sit in: places the outline and slice plane and frames the view. */
  setVolume(volume: NeuronVolume): void {
    // The same box again (a re-created props object) must not throw away the user's view.
    if (sameVolume(volume, this.#volume)) return;
    this.#applyVolume(volume);
  }

  /** Frames the shown neurons (the volume when none is shown) from the default direction. */
  resetView(): void {
    this.#following = true;
    this.#frameShown(false);
  }

  /** Frames the shown neurons (the volume when none is shown) from the current direction: the F key. */
  frameShown(): void {
    this.#following = true;
    this.#frameShown(true);
  }

  /** True until the user moves the camera: meanwhile it keeps what is shown framed. */
  get following(): boolean {
    return this.#following;
  }

  /** Turns the view about its centre (radians), as a drag would; for keys and the benchmark. */
  rotateView(azimuth: number, polar: number): void {
    this.#rig.rotate(azimuth, polar);
  }

  /** Replaces all neurons; only new neurons and those with new geometry build buffers. */
  setMeshes(meshes: readonly NeuronMesh[]): MeshUpdateCounts {
    return this.#changed(this.#neurons.setMeshes(meshes), true);
  }

  /** Adds or updates one neuron; the same arrays and colour again do nothing. */
  upsertMesh(mesh: NeuronMesh): MeshUpdateCounts {
    return this.#changed(this.#neurons.upsert(mesh), true);
  }

  removeMesh(id: number): MeshUpdateCounts {
    return this.#changed(this.#neurons.remove(id), true);
  }

  /** The current slice (index z) as a plane, textured with `image` (sliceTexturePixels) or bare for none. */
  setSlicePlane(z: number, image: SliceTexturePixels | null = null): void {
    this.#sliceZ = z;
    this.#slicePlane.setImage(image);
    this.#placeSlicePlane();
    this.requestRender();
  }

  setSelection(ids: Iterable<number>): void {
    this.#neurons.setSelection(ids);
    this.requestRender();
  }

  setHidden(ids: Iterable<number>): void {
    this.#neurons.setHidden(ids);
    this.#follow();
    this.requestRender();
  }

  /**
   * Shows only these neurons (hidden ones stay hidden) and frames them, or all again for null
   * (framed only while the camera follows: the user may want the context at this zoom).
   */
  isolate(ids: Iterable<number> | null): void {
    this.#neurons.isolate(ids);
    if (ids !== null) this.#following = true;
    this.#follow();
    this.requestRender();
  }

  get isolated(): ReadonlySet<number> | null {
    return this.#neurons.isolated;
  }

  /** Calls back with the neuron under a click (not a drag), or null for empty space. */
  onPick(callback: (id: number | null) => void): () => void {
    this.#pickListeners.add(callback);
    return () => this.#pickListeners.delete(callback);
  }

  /** Calls back after each drawn frame (the camera or size may have changed: the scale bar). */
  onViewChange(callback: () => void): () => void {
    this.#viewListeners.add(callback);
    return () => this.#viewListeners.delete(callback);
  }

  /** The visible neuron at a point in normalized device coordinates, or null. */
  pick(ndc: { x: number; y: number }): number | null {
    this.camera.updateMatrixWorld();
    this.#raycaster.setFromCamera(new THREE.Vector2(ndc.x, ndc.y), this.camera);
    return this.#neurons.pick(this.#raycaster.ray);
  }

  /** A round length in µm and its length on screen (CSS px), at the depth of the view centre. */
  scaleBar(): ScaleBar {
    return chooseScaleBar(this.#rig.pixelsPerUm(this.#size.height));
  }

  /** The canvas's size in CSS px and the device pixel ratio to draw at. */
  resize(width: number, height: number, devicePixelRatio: number): void {
    this.#size = { width: Math.max(0, Math.floor(width)), height: Math.max(0, Math.floor(height)), devicePixelRatio, drawnRatio: 0 };
    this.#rig.setAspect(this.#size.height > 0 ? this.#size.width / this.#size.height : 1);
    this.#follow();
    this.requestRender();
  }

  /** Triangle budgets while moving and once still (see NeuronSceneOptions). */
  setTriangleBudget(moving: number, still = Math.max(moving, this.#stillTriangleBudget)): void {
    this.#triangleBudget = moving;
    this.#stillTriangleBudget = Math.max(moving, still);
    this.requestRender();
  }

  /** Draws once in the next animation frame, however many changes arrive before it. */
  readonly requestRender = (): void => {
    if (this.#disposed || this.#frame !== 0) return;
    this.#frame = this.#requestFrame(this.#renderFrame);
  };

  frameStats(): FrameStatsSnapshot {
    return this.#stats.snapshot();
  }

  clearFrameStats(): void {
    this.#stats.clear();
  }

  get neuronCount(): number {
    return this.#neurons.size;
  }

  get materialCount(): number {
    return this.#neurons.materials.size;
  }

  /** The level of detail each neuron was last drawn at (0 = full mesh). */
  shownLevels(): Map<number, number> {
    return this.#neurons.shownLevels();
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#frame !== 0) this.#cancelFrame(this.#frame);
    this.#frame = 0;
    if (this.#settleTimer !== null) clearTimeout(this.#settleTimer);
    this.#rig.controls.removeEventListener('change', this.#cameraMoved);
    this.#rig.controls.removeEventListener('start', this.#userMoves);
    this.#rig.dispose();
    this.#clicks.dispose();
    this.#neurons.dispose();
    this.#slicePlane.dispose();
    this.#outline.dispose();
    this.#pickListeners.clear();
    this.#viewListeners.clear();
    this.#renderer.dispose();
    // Browsers keep only a few live WebGL contexts: a remounted view must not hold on to one.
    this.#renderer.forceContextLoss?.();
  }

  /** The camera moved (orbit, pan, zoom or rotateView): draw soon, sharp again once it stops. */
  readonly #cameraMoved = (): void => {
    // Framing jumps to the new view: one still frame, not a moving one.
    if (this.#framing) return this.requestRender();
    this.#moving = true;
    if (this.#settleTimer !== null) clearTimeout(this.#settleTimer);
    this.#settleTimer = null;
    this.requestRender();
  };

  readonly #renderFrame = (): void => {
    this.#frame = 0;
    const { width, height } = this.#size;
    if (this.#disposed || width === 0 || height === 0) return;
    const started = performance.now();
    const interval = this.#lastFrameAt > 0 ? started - this.#lastFrameAt : 0;
    if (this.#moving) this.#resolution?.frameWhileMoving(interval);
    this.#lastFrameAt = started;
    this.#applyPixelRatio();
    this.#stats.detailedNeurons = this.#neurons.chooseDetail(this.camera, this.#moving ? this.#triangleBudget : this.#stillTriangleBudget);
    this.#rig.depthRange(this.#shownBounds().getBoundingSphere(this.#shownSphere), this.#neurons.materials.shared.depthCue.value);
    this.#renderer.render(this.scene, this.camera);
    this.#stats.record(started, performance.now() - started);
    this.#stats.drawCalls = this.#renderer.info.render.calls;
    this.#stats.triangles = this.#renderer.info.render.triangles;
    this.#stats.pixelRatio = this.#size.drawnRatio;
    if (this.#moving) this.#settleLater(interval);
    for (const listener of this.#viewListeners) listener();
  };

  /** A drag or wheel on the view: the camera is the user's now. */
  readonly #userMoves = (): void => {
    this.#following = false;
  };

  /**
   * Draws the sharp frame once no motion has come for a while. Input arrives once per frame, so
   * "a while" is at least two frame intervals: slow software frames must not count as a stop.
   */
  #settleLater(frameInterval: number): void {
    if (this.#settleTimer !== null) clearTimeout(this.#settleTimer);
    const delay = Math.max(SETTLE_MILLISECONDS, Math.min(2 * frameInterval, 1500));
    this.#settleTimer = setTimeout(() => {
      this.#settleTimer = null;
      this.#moving = false;
      this.requestRender();
    }, delay);
  }

  /** Full resolution when still, the adaptive share of it while moving. */
  #applyPixelRatio(): void {
    const ratio = this.#size.devicePixelRatio * (this.#moving ? (this.#resolution?.scale ?? 1) : 1);
    // Resizing the drawing buffer reallocates it: only when the ratio really changes.
    if (Math.abs(ratio - this.#size.drawnRatio) < 0.02) return;
    this.#size.drawnRatio = ratio;
    this.#renderer.setPixelRatio(ratio);
    this.#renderer.setSize(this.#size.width, this.#size.height, false);
  }

  #changed(counts: MeshUpdateCounts, reframe: boolean): MeshUpdateCounts {
    if (reframe && counts.added + counts.rebuilt + counts.removed > 0) this.#follow();
    this.requestRender();
    return counts;
  }

  /** The shown neurons' box, or the volume's when none is shown. */
  #shownBounds(): THREE.Box3 {
    this.#neurons.shownBox(this.#shown);
    return this.#shown.isEmpty() ? this.#shown.copy(this.#rig.volumeBox()) : this.#shown;
  }

  /** Frames what is shown again if the camera still follows it (and the view has a size). */
  #follow(): void {
    if (this.#following) this.#frameShown(true);
  }

  #frameShown(keepDirection: boolean): void {
    // Without a size the aspect is unknown; the first resize frames.
    if (this.#size.width === 0 || this.#size.height === 0) return;
    this.#framing = true;
    try {
      this.#rig.frame(this.#shownBounds(), keepDirection);
    } finally {
      this.#framing = false;
    }
    this.requestRender();
  }

  #applyVolume(volume: NeuronVolume): void {
    this.#volume = volume;
    const extent = volumeExtent(volume);
    this.#outline.place(extent.x, extent.y, extent.z);
    this.#placeSlicePlane();
    this.#rig.setVolume(extent);
    // A new volume starts a new view: from the default direction, following what is shown.
    this.#following = true;
    this.#frameShown(false);
    this.requestRender();
  }

  #placeSlicePlane(): void {
    const extent = volumeExtent(this.#volume);
    const z = THREE.MathUtils.clamp(this.#sliceZ, 0, Math.max(0, this.#volume.depth - 1));
    this.#slicePlane.place(extent.x, extent.y, (z + 0.5) * this.#volume.voxelSize.z);
  }

  #pickAt(clientX: number, clientY: number): void {
    const ndc = pointerToNdc(clientX, clientY, this.#canvas.getBoundingClientRect());
    if (!ndc || this.#pickListeners.size === 0) return;
    const id = this.pick(ndc);
    for (const listener of this.#pickListeners) listener(id);
  }
}

function sameVolume(a: NeuronVolume, b: NeuronVolume): boolean {
  return a.width === b.width && a.height === b.height && a.depth === b.depth && a.voxelSize.x === b.voxelSize.x && a.voxelSize.y === b.voxelSize.y && a.voxelSize.z === b.voxelSize.z;
}
