import * as THREE from 'three';
import { describe, expect, it } from 'vitest';
import { FRAME_FILL, frameBox } from './frameBox.js';

/** A deterministic cloud of vertices: a long thin neurite and a blob, in nm, far from the origin. */
function vertices(): THREE.Vector3[] {
  let seed = 11;
  const random = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const points: THREE.Vector3[] = [];
  for (let n = 0; n < 400; n++) points.push(new THREE.Vector3(1200 + 900 * random(), 300 + 60 * random(), 40 + 700 * random()));
  for (let n = 0; n < 400; n++) points.push(new THREE.Vector3(2000 + 150 * random(), 100 + 150 * random(), 500 + 100 * random()));
  return points;
}

/** A camera placed as the framing says, and where each point lands in normalized device coordinates. */
function project(points: THREE.Vector3[], direction: THREE.Vector3, up: THREE.Vector3, aspect: number): THREE.Vector3[] {
  const box = new THREE.Box3().setFromPoints(points);
  const { target, distance } = frameBox(box, direction, up, 35, aspect);
  const camera = new THREE.PerspectiveCamera(35, aspect, distance / 100, distance * 10);
  camera.up.copy(up);
  camera.position.copy(target).addScaledVector(direction.clone().normalize(), distance);
  camera.lookAt(target);
  camera.updateMatrixWorld();
  camera.updateProjectionMatrix();
  return points.map((point) => point.clone().project(camera));
}

describe('frameBox', () => {
  const up = new THREE.Vector3(0, 0, -1);
  const directions = [new THREE.Vector3(0.35, 0.8, -0.7), new THREE.Vector3(0, 0, -1), new THREE.Vector3(1, 0, 0), new THREE.Vector3(-0.2, -0.9, 0.4)];
  for (const aspect of [0.4, 0.75, 1, 16 / 9, 2.6, 4]) {
    it(`puts every vertex in view, within the margin, with the view filled, at aspect ${aspect.toFixed(2)}`, () => {
      for (const direction of directions) {
        const ndc = project(vertices(), direction, up, aspect);
        let widest = 0;
        for (const point of ndc) {
          expect(Math.abs(point.x)).toBeLessThanOrEqual(FRAME_FILL + 1e-6);
          expect(Math.abs(point.y)).toBeLessThanOrEqual(FRAME_FILL + 1e-6);
          expect(Math.abs(point.z)).toBeLessThan(1);
          widest = Math.max(widest, Math.abs(point.x), Math.abs(point.y));
        }
        // Not framed from far away: the box corners reach the margin, and the vertices come close.
        expect(widest).toBeGreaterThan(0.5 * FRAME_FILL);
      }
    });
  }

  it('reaches the margin exactly with the tightest corner of the box', () => {
    const box = new THREE.Box3(new THREE.Vector3(0, 0, 0), new THREE.Vector3(1000, 400, 300));
    const corners = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => new THREE.Vector3(i & 1 ? 1000 : 0, i & 2 ? 400 : 0, i & 4 ? 300 : 0));
    for (const aspect of [0.25, 1.5, 3]) {
      const ndc = project(corners, new THREE.Vector3(0.35, 0.8, -0.7), up, aspect);
      expect(Math.max(...ndc.map((p) => Math.max(Math.abs(p.x), Math.abs(p.y))))).toBeCloseTo(FRAME_FILL, 6);
    }
    expect(box.isEmpty()).toBe(false);
  });

  it('frames a single point and a view along the up axis, and refuses an empty box or a bad view', () => {
    const point = new THREE.Box3(new THREE.Vector3(5, 5, 5), new THREE.Vector3(5, 5, 5));
    expect(frameBox(point, new THREE.Vector3(0, 1, 0), up, 35, 1).distance).toBeGreaterThan(0);
    const along = frameBox(new THREE.Box3(new THREE.Vector3(0, 0, 0), new THREE.Vector3(10, 10, 10)), new THREE.Vector3(0, 0, 1), up, 35, 1);
    expect(Number.isFinite(along.distance) && along.distance > 10).toBe(true);
    expect(() => frameBox(new THREE.Box3(), up, up, 35, 1)).toThrow(/empty box/);
    expect(() => frameBox(point, up, up, 35, 0)).toThrow(/aspect 0/);
  });
});
