import { labelVolume, type LabelVolume } from './labelVolume.js';

/** Test support: the synthetic neurons the mesh tests use, as id 1 in a volume with room around them. */

/** A box of voxels, `margin` voxels from each side of the volume. */
export function boxVolume(width: number, height: number, depth: number, margin = 2): LabelVolume {
  return labelVolume(width + 2 * margin, height + 2 * margin, depth + 2 * margin, (x, y, z) =>
    x >= margin && x < width + margin && y >= margin && y < height + margin && z >= margin && z < depth + margin ? 1 : 0,
  );
}

/** A ball of `radius` in physical units, voxelized at the given voxel size (centre inside test). */
export function sphereVolume(radius: number, voxelSize: { x: number; y: number; z: number }): LabelVolume {
  const size = (step: number) => Math.ceil((2 * radius) / step) + 4;
  const [width, height, depth] = [size(voxelSize.x), size(voxelSize.y), size(voxelSize.z)];
  return labelVolume(width, height, depth, (x, y, z) => {
    const dx = (x + 0.5) * voxelSize.x - (width * voxelSize.x) / 2;
    const dy = (y + 0.5) * voxelSize.y - (height * voxelSize.y) / 2;
    const dz = (z + 0.5) * voxelSize.z - (depth * voxelSize.z) / 2;
    return dx * dx + dy * dy + dz * dz <= radius * radius ? 1 : 0;
  });
}

/** A ring (torus) around the z axis: distance `major` from the axis to the tube's centre, tube radius `minor` (voxels). */
export function torusVolume(major: number, minor: number): LabelVolume {
  const size = Math.ceil(2 * (major + minor)) + 4;
  const height = Math.ceil(2 * minor) + 4;
  return labelVolume(size, size, height, (x, y, z) => {
    const ring = Math.hypot(x + 0.5 - size / 2, y + 0.5 - size / 2) - major;
    return ring * ring + (z + 0.5 - height / 2) ** 2 <= minor * minor ? 1 : 0;
  });
}

/** A ball of radius `outer` with a closed cavity of radius `inner` at its centre (voxels). */
export function hollowSphereVolume(outer: number, inner: number): LabelVolume {
  const size = Math.ceil(2 * outer) + 4;
  return labelVolume(size, size, size, (x, y, z) => {
    const r = Math.hypot(x + 0.5 - size / 2, y + 0.5 - size / 2, z + 0.5 - size / 2);
    return r <= outer && r > inner ? 1 : 0;
  });
}
