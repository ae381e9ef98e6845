import { describe, expect, it } from 'vitest';
import type { Mesh } from './Mesh.js';
import { isClosed, isManifold, meshTopology, signedVolume } from './meshChecks.js';
import { repairManifold } from './repairManifold.js';

/** Unit cubes at the given corners, outward, sharing the vertices that coincide (so touching cubes pinch). */
function cubes(...corners: [number, number, number][]): Mesh {
  const positions: number[] = [];
  const indices: number[] = [];
  const index = new Map<string, number>();
  const vertex = (x: number, y: number, z: number) => {
    const key = `${x} ${y} ${z}`;
    if (!index.has(key)) {
      index.set(key, positions.length / 3);
      positions.push(x, y, z);
    }
    return index.get(key)!;
  };
  // prettier-ignore
  const faces = [[0, 2, 3, 1], [4, 5, 7, 6], [0, 1, 5, 4], [2, 6, 7, 3], [0, 4, 6, 2], [1, 3, 7, 5]];
  for (const [ox, oy, oz] of corners) {
    const v = Array.from({ length: 8 }, (_, c) => vertex(ox + (c & 1), oy + ((c >> 1) & 1), oz + ((c >> 2) & 1)));
    for (const [a, b, c, d] of faces) indices.push(v[a!]!, v[b!]!, v[c!]!, v[a!]!, v[c!]!, v[d!]!);
  }
  return { positions: Float32Array.from(positions), indices: Uint32Array.from(indices) };
}

describe('repairManifold', () => {
  it('separates two cubes that share an edge (four triangles on it), keeping their volume', () => {
    const pinched = cubes([0, 0, 0], [1, 1, 0]);
    expect(isClosed(pinched)).toBe(false);
    const { mesh, faults } = repairManifold(pinched);
    expect(faults).toEqual([]);
    expect(isManifold(mesh!)).toBe(true);
    expect(meshTopology(mesh!)).toEqual({ components: 2, eulerCharacteristic: 4 });
    expect(signedVolume(mesh!)).toBeCloseTo(2, 9);
    expect(mesh!.positions.length / 3).toBe(pinched.positions.length / 3 + 2);
  });

  it('separates two cubes that share only a corner', () => {
    const pinched = cubes([0, 0, 0], [1, 1, 1]);
    expect(isClosed(pinched)).toBe(true);
    expect(isManifold(pinched)).toBe(false);
    const { mesh } = repairManifold(pinched);
    expect(isManifold(mesh!)).toBe(true);
    expect(meshTopology(mesh!).components).toBe(2);
  });

  it('drops back-to-back fins and leaves good meshes as they are', () => {
    const cube = cubes([0, 0, 0]);
    const finned = { positions: cube.positions, indices: Uint32Array.from([...cube.indices, 0, 1, 6, 1, 0, 6]) };
    expect(repairManifold(finned).mesh).toEqual(cube);
  });

  it('names the vertices of a flipped triangle, which it cannot repair', () => {
    const cube = cubes([0, 0, 0]);
    const flipped = cube.indices.slice();
    [flipped[1], flipped[2]] = [flipped[2]!, flipped[1]!];
    const result = repairManifold({ positions: cube.positions, indices: flipped });
    expect(result.mesh).toBeUndefined();
    expect(result.faults.sort()).toEqual([0, 2, 3].sort());
  });
});
