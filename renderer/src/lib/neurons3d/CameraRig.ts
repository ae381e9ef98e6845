import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { pixelsPerUmAt } from './chooseScaleBar.js';

/** Default view: from the image's bottom edge, above slice 0, turned a little to show depth. */
const VIEW_DIRECTION = new THREE.Vector3(0.35, 0.8, -0.7).normalize();
const Y_UP = new THREE.Vector3(0, 1, 0);

/**
 * The perspective camera and its orbit, pan and zoom controls, framed on the volume box.
 * The camera's up is -z, so slices stack top (slice 0) to bottom and orbiting turns the stack
 * like a table top. Owns the controls' listeners (dispose()).
 */
export class CameraRig {
  readonly camera = new THREE.PerspectiveCamera(35, 1, 1, 10_000);
  readonly controls: OrbitControls;
  /** Centre and radius of the volume's bounding sphere, in nm. */
  readonly #bounds = new THREE.Sphere(new THREE.Vector3(), 1);

  constructor(element: HTMLElement) {
    this.camera.up.set(0, 0, -1);
    this.controls = new OrbitControls(this.camera, element);
    // Zoom towards the pointer: reaching one neurite in a dense volume takes one gesture.
    this.controls.zoomToCursor = true;
  }

  /** Fits near/far and zoom limits to a box [0, x] × [0, y] × [0, z] nm and frames it. */
  fit(extent: { x: number; y: number; z: number }): void {
    this.#bounds.center.set(extent.x / 2, extent.y / 2, extent.z / 2);
    this.#bounds.radius = Math.max(1, this.#bounds.center.length());
    const radius = this.#bounds.radius;
    this.camera.near = radius / 200;
    this.camera.far = radius * 40;
    this.controls.minDistance = radius * 0.02;
    this.controls.maxDistance = radius * 12;
    this.reset();
  }

  /** Frames the whole box from the default direction. */
  reset(): void {
    const halfVertical = THREE.MathUtils.degToRad(this.camera.fov) / 2;
    const halfHorizontal = Math.atan(Math.tan(halfVertical) * this.camera.aspect);
    const distance = (this.#bounds.radius / Math.sin(Math.min(halfVertical, halfHorizontal))) * 1.05;
    this.controls.target.copy(this.#bounds.center);
    this.camera.position.copy(this.#bounds.center).addScaledVector(VIEW_DIRECTION, distance);
    this.camera.updateProjectionMatrix();
    this.controls.update();
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

  /** View distances (nm) from the volume's nearest to its farthest point: the depth cue's range. */
  depthRange(target: THREE.Vector2): THREE.Vector2 {
    const distance = this.camera.position.distanceTo(this.#bounds.center);
    return target.set(Math.max(0, distance - this.#bounds.radius), distance + this.#bounds.radius);
  }

  dispose(): void {
    this.controls.dispose();
  }
}
