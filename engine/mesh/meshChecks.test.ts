import { describe, expect, it } from 'vitest';
import type { Mesh } from './Mesh.js';
import { isClosed, isManifold, meshTopology, signedVolume } from './meshChecks.js';

/** A unit cube [0, 1]³, outward facing: 8 corners (x + 2y + 4z), 12 triangles. */
function cube(offset = 0): Mesh {
  const positions = Float32Array.from({ length: 24 }, (_, n) => ((Math.floor(n / 3) >> n % 3) & 1) + offset);
  // prettier-ignore
  const faces = [[0, 2, 3, 1], [4, 5, 7, 6], [0, 1, 5, 4], [2, 6, 7, 3], [0, 4, 6, 2], [1, 3, 7, 5]];
  return { positions, indices: Uint32Array.from(faces.flatMap(([a, b, c, d]) => [a!, b!, c!, a!, c!, d!])) };
}

describe('mesh checks', () => {
  it('accept a closed outward cube and measure its volume', () => {
    expect(isClosed(cube())).toBe(true);
    expect(isManifold(cube())).toBe(true);
    expect(signedVolume(cube())).toBeCloseTo(1, 12);
    expect(signedVolume(cube(1000))).toBeCloseTo(1, 9);
    expect(meshTopology(cube())).toEqual({ components: 1, eulerCharacteristic: 2 });
  });

  it('give a negative volume inside out', () => {
    const { positions, indices } = cube();
    const flipped = indices.slice();
    for (let t = 0; t < flipped.length; t += 3) [flipped[t + 1], flipped[t + 2]] = [flipped[t + 2]!, flipped[t + 1]!];
    expect(isClosed({ positions, indices: flipped })).toBe(true);
    expect(signedVolume({ positions, indices: flipped })).toBeCloseTo(-1, 12);
  });

  it('reject a hole, a flipped triangle, a doubled triangle and a degenerate one', () => {
    const { positions, indices } = cube();
    expect(isClosed({ positions, indices: indices.slice(3) })).toBe(false);
    const flipped = indices.slice();
    [flipped[1], flipped[2]] = [flipped[2]!, flipped[1]!];
    expect(isClosed({ positions, indices: flipped })).toBe(false);
    expect(isClosed({ positions, indices: Uint32Array.from([...indices, ...indices.slice(0, 3)]) })).toBe(false);
    const degenerate = indices.slice();
    degenerate[0] = degenerate[1]!;
    expect(isClosed({ positions, indices: degenerate })).toBe(false);
  });

  it('tell two cubes touching at a corner (closed, not manifold) from one', () => {
    const a = cube();
    const b = cube(1);
    // Share the corner (1, 1, 1): vertex 7 of a is vertex 0 of b.
    const positions = Float32Array.from([...a.positions, ...b.positions.slice(3)]);
    const indices = Uint32Array.from([...a.indices, ...[...b.indices].map((v) => (v === 0 ? 7 : v + 7))]);
    expect(isClosed({ positions, indices })).toBe(true);
    expect(isManifold({ positions, indices })).toBe(false);
  });
});
