import type { VoxelSize } from '../../protocol/contract.js';
import { nanometresPerUnit, toNanometres } from '../io/physicalUnit.js';
import type { NgffAxis, NgffMultiscale, NgffVersion } from './ngffSchema.js';

export type Triple = [number, number, number];

/** Nanometres per NGFF length unit, for the units microscopy data uses. */
const NGFF_NANOMETRES: Record<string, number> = {
  picometer: 1e-3,
  angstrom: 0.1,
  nanometer: 1,
  micrometer: 1e3,
  millimeter: 1e6,
  centimeter: 1e7,
  meter: 1e9,
};

/** Downsampling factor of a level in [z, y, x]: 2× in x and y per level, z kept (EM sections are thick). */
export function levelFactor(level: number): Triple {
  return [1, 2 ** level, 2 ** level];
}

/** The shape of each level: level 0 is `shape`, each next one halves y and x (rounding up). */
export function levelShapes(shape: Triple, count: number): Triple[] {
  const shapes: Triple[] = [shape];
  for (let level = 1; level < count; level++) {
    const [z, y, x] = shapes[level - 1]!;
    shapes.push([z, Math.ceil(y / 2), Math.ceil(x / 2)]);
  }
  return shapes;
}

/** Levels needed until the smallest is at most `limit` pixels wide and high. */
export function defaultLevelCount(shape: Triple, limit = 512): number {
  let count = 1;
  let [, y, x] = shape;
  while (Math.max(y, x) > limit) {
    y = Math.ceil(y / 2);
    x = Math.ceil(x / 2);
    count++;
  }
  return count;
}

/** The NGFF axes and level-0 scale for a voxel size: lengths in nanometres, or no unit for pixels. */
function axesAndScale(voxelSize: VoxelSize): { axes: NgffAxis[]; scale: Triple } {
  const factor = nanometresPerUnit(voxelSize.unit);
  const known = typeof factor === 'number';
  const value = (v: number) => (known ? toNanometres(v, factor) : v);
  const axes = (['z', 'y', 'x'] as const).map((name) => ({ name, type: 'space', ...(known ? { unit: 'nanometer' } : {}) }));
  return { axes, scale: [value(voxelSize.z), value(voxelSize.y), value(voxelSize.x)] };
}

/** The `multiscales` entry for `count` levels named '0', '1', ...; means shift a level's origin by half its voxel. */
export function buildMultiscale(version: NgffVersion, name: string, voxelSize: VoxelSize, count: number, label: boolean): NgffMultiscale {
  const { axes, scale } = axesAndScale(voxelSize);
  const datasets = Array.from({ length: count }, (_, level) => {
    const factor = levelFactor(level);
    const levelScale = scale.map((s, a) => s * factor[a]!);
    // A 2×2 mean's voxel centre lies half an original voxel further along y and x (per halving).
    const translation = scale.map((s, a) => ((factor[a]! - 1) / 2) * s);
    return {
      path: String(level),
      coordinateTransformations: [
        { type: 'scale' as const, scale: levelScale },
        ...(level > 0 ? [{ type: 'translation' as const, translation }] : []),
      ],
    };
  });
  return {
    ...(version === '0.4' ? { version: '0.4' } : {}),
    name,
    axes,
    datasets,
    type: label ? 'mode' : 'mean',
    metadata: { description: label ? '2×2 mode in x and y per level' : '2×2 mean in x and y per level', method: 'membrana buildPyramid' },
  };
}

/** The group attributes of an NGFF image (and label image) in the layout of `version`. */
export function buildImageAttributes(version: NgffVersion, multiscale: NgffMultiscale, label: boolean): Record<string, unknown> {
  const imageLabel = label ? { 'image-label': { ...(version === '0.4' ? { version: '0.4' } : {}), source: { image: '../../' } } } : {};
  if (version === '0.4') return { multiscales: [multiscale], ...imageLabel };
  return { ome: { version: '0.5', multiscales: [multiscale], ...imageLabel } };
}

/** The voxel size of level 0 from its axes and scale: nanometres where the unit is a known length, 'px' without a unit. */
export function voxelSizeFromNgff(axes: NgffAxis[], scale: Triple): VoxelSize {
  const unit = axes.find((axis) => axis.unit !== undefined)?.unit;
  if (unit === undefined) return { z: scale[0], y: scale[1], x: scale[2], unit: 'px' };
  const factor = NGFF_NANOMETRES[unit];
  if (factor === undefined) return { z: scale[0], y: scale[1], x: scale[2], unit };
  return { z: toNanometres(scale[0], factor), y: toNanometres(scale[1], factor), x: toNanometres(scale[2], factor), unit: 'nm' };
}

/**
 * The datasets of each level: level 0 with the input's transformations, each coarser level with
 * its y/x scale doubled and its origin moved half a voxel per halving (as buildMultiscale does).
 */
export function levelDatasets(transforms: unknown[], levels: number): { path: string; coordinateTransformations: unknown[] }[] {
  const scale = ((transforms.find((t) => (t as { type?: unknown }).type === 'scale') as { scale?: number[] } | undefined)?.scale ?? [1, 1, 1]) as [number, number, number];
  const shift = ((transforms.find((t) => (t as { type?: unknown }).type === 'translation') as { translation?: number[] } | undefined)?.translation ?? [0, 0, 0]) as [number, number, number];
  return Array.from({ length: levels }, (_, level) => {
    if (level === 0) return { path: '0', coordinateTransformations: transforms };
    const factor = levelFactor(level);
    return {
      path: String(level),
      coordinateTransformations: [
        { type: 'scale', scale: scale.map((s, a) => s * factor[a]!) },
        { type: 'translation', translation: scale.map((s, a) => shift[a]! + ((factor[a]! - 1) / 2) * s) },
      ],
    };
  });
}
