import * as THREE from 'three';
import { describe, expect, it } from 'vitest';
import { SlicePlane } from './SlicePlane.js';

describe('SlicePlane', () => {
  it('maps image row 0, column 0 to the volume corner at x = 0, y = 0, as the slice view draws it', () => {
    const plane = new SlicePlane();
    plane.place(1536, 768, 25);
    // 2 × 2: row 0 = black, white; row 1 = grey, grey.
    const pixels = { data: Uint8Array.from([0, 0, 0, 255, 255, 255, 255, 255, 90, 90, 90, 255, 90, 90, 90, 255]), width: 2, height: 2 };
    plane.setImage(pixels);
    const mesh = plane.object.children.find((child): child is THREE.Mesh => child instanceof THREE.Mesh)!;
    const texture = (mesh.material as THREE.MeshBasicMaterial).map as THREE.DataTexture;
    // Rows go up as they are: data row 0 is texture row v = 0.
    expect(texture.flipY).toBe(false);
    expect(texture.image.data).toBe(pixels.data);
    const position = mesh.geometry.getAttribute('position');
    const uv = mesh.geometry.getAttribute('uv');
    for (let vertex = 0; vertex < position.count; vertex++) {
      const world = new THREE.Vector3().fromBufferAttribute(position, vertex).applyMatrix4(plane.object.matrixWorld.compose(plane.object.position, plane.object.quaternion, plane.object.scale));
      // u runs with x (columns), v with y (rows): x = u · width, y = v · height.
      expect(world.x).toBeCloseTo(uv.getX(vertex) * 1536);
      expect(world.y).toBeCloseTo(uv.getY(vertex) * 768);
      expect(world.z).toBeCloseTo(25);
    }
    expect(plane.textured).toBe(true);
    plane.setImage(null);
    expect(plane.textured).toBe(false);
    plane.dispose();
  });
});
