import * as THREE from 'three';
import { describe, expect, it } from 'vitest';
import { TrianglePicker } from './TrianglePicker.js';

/** A long strip of quads along x, two triangles each, at height z. */
function strip(quads: number, z: number): { positions: Float32Array; indices: Uint32Array } {
  const positions: number[] = [];
  const indices: number[] = [];
  for (let i = 0; i <= quads; i++) positions.push(i, 0, z, i, 1, z);
  for (let i = 0; i < quads; i++) {
    const a = i * 2;
    indices.push(a, a + 2, a + 1, a + 1, a + 2, a + 3);
  }
  return { positions: new Float32Array(positions), indices: new Uint32Array(indices) };
}

describe('TrianglePicker', () => {
  it('finds where a ray crosses the mesh, from either side', () => {
    const picker = new TrianglePicker(strip(100, 5));
    const down = new THREE.Ray(new THREE.Vector3(42.5, 0.5, 10), new THREE.Vector3(0, 0, -1));
    expect(picker.intersect(down)).toBeCloseTo(5);
    const up = new THREE.Ray(new THREE.Vector3(42.5, 0.5, 0), new THREE.Vector3(0, 0, 1));
    expect(picker.intersect(up)).toBeCloseTo(5);
    const beside = new THREE.Ray(new THREE.Vector3(42.5, 3, 10), new THREE.Vector3(0, 0, -1));
    expect(picker.intersect(beside)).toBeNull();
  });

  it('agrees with testing every triangle', () => {
    const mesh = strip(300, 0);
    // Crumple the strip so chunks overlap and rays cross it several times.
    for (let i = 0; i < mesh.positions.length; i += 3) mesh.positions[i + 2] = Math.sin(mesh.positions[i]! * 0.7) * 3;
    const picker = new TrianglePicker(mesh);
    const reference = new THREE.Mesh(
      new THREE.BufferGeometry().setAttribute('position', new THREE.BufferAttribute(mesh.positions, 3)).setIndex(new THREE.BufferAttribute(mesh.indices, 1)),
      new THREE.MeshBasicMaterial({ side: THREE.DoubleSide }),
    );
    const raycaster = new THREE.Raycaster();
    for (let i = 0; i < 50; i++) {
      const origin = new THREE.Vector3(i * 6.1, 0.3 + (i % 5) * 0.1, 10);
      const direction = new THREE.Vector3(Math.sin(i) * 0.8, 0, -1).normalize();
      raycaster.set(origin, direction);
      const expected = raycaster.intersectObject(reference)[0]?.distance ?? null;
      const actual = picker.intersect(new THREE.Ray(origin, direction));
      if (expected === null) expect(actual).toBeNull();
      else expect(actual).toBeCloseTo(expected, 4);
    }
  });
});
