import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { pixelsPerUmAt } from './chooseScaleBar.js';
import { frameBox } from './frameBox.js';

/** Default view: from the image's bottom edge, above slice 0, turned a little to show depth. */
const VIEW_DIRECTION = new THREE.Vector3(0.35, 0.8, -0.7).normalize();
const Y_UP = new THREE.Vector3(0, 1, 0);

/**
 * The perspective camera and its orbit, pan and zoom controls. The volume sets the depth range
 * and zoom limits; `frame` fits any box (the shown neurons, or the volume) to the view at its
 * current aspect. The camera's up is -z, so slices stack top (slice 0) to bottom and orbiting
 * turns the stack like a table top. Owns the controls' listeners (dispose()).
 */
export class CameraRig {
  readonly camera = new THREE.PerspectiveCamera(35, 1, 1, 10_000);
  readonly controls: OrbitControls;
  /** The volume's box and its bounding sphere, in nm. */
  readonly #volume = new THREE.Box3(new THREE.Vector3(), new THREE.Vector3(1, 1, 1));
  readonly #bounds = new THREE.Sphere(new THREE.Vector3(), 1);

  constructor(element: HTMLElement) {
    this.camera.up.set(0, 0, -1);
    this.controls = new OrbitControls(this.camera, element);
    // Zoom towards the pointer: reaching one neurite in a dense volume takes one gesture.
    this.controls.zoomToCursor = true;
  }

  /** Fits the depth range and zoom limits to a volume box [0, x] × [0, y] × [0, z] nm. */
  setVolume(extent: { x: number; y: number; z: number }): void {
    this.#volume.max.set(extent.x, extent.y, extent.z);
    this.#bounds.center.set(extent.x / 2, extent.y / 2, extent.z / 2);
    this.#bounds.radius = Math.max(1, this.#bounds.center.length());
    const radius = this.#bounds.radius;
    this.camera.near = radius / 200;
    this.camera.far = radius * 40;
    // Close enough to look at one synapse of a 4 nm volume; a µm-wide neurite fills the view.
    this.controls.minDistance = radius * 0.002;
    this.controls.maxDistance = radius * 12;
    this.camera.updateProjectionMatrix();
  }

  /**
   * Fits `box` (nm) to the view at the current aspect, with a margin: from the default direction,
   * or from the current one (`keepDirection`), as a "frame selected" key does.
   */
  frame(box: THREE.Box3, keepDirection = false): void {
    const direction = keepDirection ? this.camera.position.clone().sub(this.controls.target) : VIEW_DIRECTION.clone();
    if (direction.lengthSq() === 0) direction.copy(VIEW_DIRECTION);
    direction.normalize();
    const { target, distance } = frameBox(box, direction, this.camera.up, this.camera.fov, this.camera.aspect);
    const reach = THREE.MathUtils.clamp(distance, this.controls.minDistance, this.controls.maxDistance);
    // A small neuron in a big volume: bring the near plane in, so zooming into it does not clip.
    this.camera.near = Math.min(this.#bounds.radius / 200, reach / 50);
    this.controls.target.copy(target);
    this.camera.position.copy(target).addScaledVector(direction, reach);
    this.camera.updateProjectionMatrix();
    this.controls.update();
  }

  /** The volume's box, in nm. */
  volumeBox(): THREE.Box3 {
    return this.#volume.clone();
  }

  /** Turns the camera about the target by azimuth and polar angles (radians), as a drag would. */
  rotate(azimuth: number, polar: number): void {
    const toYUp = new THREE.Quaternion().setFromUnitVectors(this.camera.up, Y_UP);
    const offset = this.camera.position.clone().sub(this.controls.target).applyQuaternion(toYUp);
    const spherical = new THREE.Spherical().setFromVector3(offset);
    spherical.theta += azimuth;
    spherical.phi = THREE.MathUtils.clamp(spherical.phi + polar, 1e-3, Math.PI - 1e-3);
    offset.setFromSpherical(spherical).applyQuaternion(toYUp.invert());
    this.camera.position.copy(this.controls.target).add(offset);
    this.controls.update();
  }

  setAspect(aspect: number): void {
    this.camera.aspect = aspect;
    this.camera.updateProjectionMatrix();
  }

  /** CSS px per µm at the depth of the orbit target, on a view `heightPixels` tall. */
  pixelsPerUm(heightPixels: number): number {
    return pixelsPerUmAt(this.camera.position.distanceTo(this.controls.target), this.camera.fov, heightPixels);
  }

  /** View distances (nm) from the nearest to the farthest point of `sphere` (what is shown): the depth cue's range. */
  depthRange(sphere: THREE.Sphere, target: THREE.Vector2): THREE.Vector2 {
    const distance = this.camera.position.distanceTo(sphere.center);
    return target.set(Math.max(0, distance - sphere.radius), distance + sphere.radius);
  }

  dispose(): void {
    this.controls.dispose();
  }
}
