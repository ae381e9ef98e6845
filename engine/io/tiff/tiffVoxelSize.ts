import type { VoxelSize } from '../../../protocol/contract.js';
import { pixelVoxelSize } from '../Volume.js';
import { nanometresPerUnit, toNanometres } from '../physicalUnit.js';
import type { TiffFile, TiffIfd } from './TiffFile.js';
import { parseImageJDescription } from './imageJDescription.js';
import { Tag } from './tiffTags.js';

/**
 * The voxel size a TIFF declares, in nanometres where the unit is a known length.
 *
 * Sources, in order: ImageJ's description (unit and z spacing) with XResolution/YResolution
 * (pixels per unit); OME-XML PhysicalSize attributes; XResolution/YResolution in centimetres.
 * Resolutions in inches are ignored: that is print DPI (72, 300), not a pixel size. Without a
 * z spacing, z is taken equal to x.
 */
export function tiffVoxelSize(tiff: TiffFile, ifd: TiffIfd): VoxelSize {
  const description = tiff.ascii(ifd, Tag.ImageDescription);
  const imageJ = parseImageJDescription(description);
  if (imageJ) {
    const unit = imageJ.get('unit');
    const resolutionUnit = tiff.number(ifd, Tag.ResolutionUnit, 1);
    const unitName = unit ?? (resolutionUnit === 3 ? 'cm' : undefined);
    if (unitName === undefined) return pixelVoxelSize();
    const spacing = Number(imageJ.get('spacing'));
    return physical(tiff, ifd, unitName, Number.isFinite(spacing) && spacing !== 0 ? Math.abs(spacing) : undefined);
  }
  if (description?.includes('<OME')) {
    const ome = omeVoxelSize(description);
    if (ome) return ome;
  }
  if (tiff.number(ifd, Tag.ResolutionUnit, 2) === 3) return physical(tiff, ifd, 'cm', undefined);
  return pixelVoxelSize();
}

/** x and y from XResolution/YResolution (pixels per unit), z from `spacing` or x. */
function physical(tiff: TiffFile, ifd: TiffIfd, unit: string, spacing: number | undefined): VoxelSize {
  const factor = nanometresPerUnit(unit);
  if (factor === 'px') return pixelVoxelSize();
  // 1 / (numerator / denominator), computed as one division so that exact values stay exact.
  const size = (tag: number): number | undefined => {
    const rational = tiff.rational(ifd, tag);
    if (!rational) return undefined;
    const [numerator, denominator] = rational;
    if (!(numerator > 0 && denominator > 0)) return undefined;
    if (factor === undefined || factor === 1) return denominator / numerator;
    return Number(((factor * denominator) / numerator).toPrecision(12));
  };
  const scale = (value: number) => (factor === undefined ? value : toNanometres(value, factor));
  const x = size(Tag.XResolution) ?? scale(1);
  const y = size(Tag.YResolution) ?? x;
  const z = spacing === undefined ? x : scale(spacing);
  return { x, y, z, unit: factor === undefined ? unit : 'nm' };
}

/** PhysicalSizeX/Y/Z of OME-XML's first <Pixels> element (the unit defaults to µm). */
function omeVoxelSize(xml: string): VoxelSize | undefined {
  const pixels = /<(?:\w+:)?Pixels\b[^>]*>/.exec(xml)?.[0];
  if (!pixels) return undefined;
  const attribute = (name: string) => new RegExp(`\\b${name}\\s*=\\s*"([^"]*)"`).exec(pixels)?.[1];
  const axis = (a: 'X' | 'Y' | 'Z'): number | undefined => {
    const value = Number(attribute(`PhysicalSize${a}`));
    if (!(value > 0)) return undefined;
    const factor = nanometresPerUnit(attribute(`PhysicalSize${a}Unit`) ?? 'µm');
    return typeof factor === 'number' ? toNanometres(value, factor) : undefined;
  };
  const x = axis('X');
  if (x === undefined) return undefined;
  const y = axis('Y') ?? x;
  return { x, y, z: axis('Z') ?? x, unit: 'nm' };
}
