import * as THREE from 'three';

/** Where the camera goes to frame a box: the point it looks at and how far back it stands. */
export interface Framing {
  target: THREE.Vector3;
  distance: number;
}

/** Share of the view the framed box may fill at most, across and up: room for the view's buttons. */
export const FRAME_FILL = 0.86;

const corner = new THREE.Vector3();
const X_AXIS = new THREE.Vector3(1, 0, 0);
const Y_AXIS = new THREE.Vector3(0, 1, 0);

/**
 * The camera distance, looking from `direction` (unit, from the target towards the camera) with
 * `up` at the box centre, at which all eight corners of `box` lie inside a perspective view of
 * vertical field of view `fovDegrees` and width / height `aspect`, filling at most `fill` of
 * it across and up. Each corner's offset from the centre, in the camera's axes (right, up, back),
 * must satisfy |right| ≤ (distance − back) · tan(half horizontal fov) · fill, and likewise
 * vertically; the distance is the largest that any corner asks for. Everything inside the box
 * (every vertex of the meshes it bounds) is then in view; the tightest corner touches the margin.
 */
export function frameBox(box: THREE.Box3, direction: THREE.Vector3, up: THREE.Vector3, fovDegrees: number, aspect: number, fill = FRAME_FILL): Framing {
  if (box.isEmpty()) throw new RangeError('Cannot frame an empty box: give the bounds of something to show.');
  if (!(aspect > 0) || !(fovDegrees > 0 && fovDegrees < 180)) throw new RangeError(`Cannot frame a view of aspect ${aspect} and field of view ${fovDegrees}°.`);
  const back = direction.clone().normalize();
  const right = new THREE.Vector3().crossVectors(up, back);
  // An up along the view direction leaves the roll free: any perpendicular will do.
  if (right.lengthSq() < 1e-12) right.crossVectors(Math.abs(back.x) < 0.9 ? X_AXIS : Y_AXIS, back);
  right.normalize();
  const upward = new THREE.Vector3().crossVectors(back, right);
  const tanVertical = Math.tan(THREE.MathUtils.degToRad(fovDegrees) / 2) * fill;
  const tanHorizontal = tanVertical * aspect;
  const target = box.getCenter(new THREE.Vector3());
  let distance = 0;
  for (let index = 0; index < 8; index++) {
    corner.set(index & 1 ? box.max.x : box.min.x, index & 2 ? box.max.y : box.min.y, index & 4 ? box.max.z : box.min.z).sub(target);
    const depth = corner.dot(back);
    distance = Math.max(distance, depth + Math.abs(corner.dot(right)) / tanHorizontal, depth + Math.abs(corner.dot(upward)) / tanVertical);
  }
  // A box flat towards the camera (or a point) still needs the camera in front of it.
  const size = box.getSize(corner).length();
  return { target, distance: Math.max(distance, size * 0.01, 1e-6) };
}
