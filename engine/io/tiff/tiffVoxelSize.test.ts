import { describe, expect, it } from 'vitest';
import { readTiff } from '../readTiff.js';
import type { BuildEntry } from '../testing/buildTiff.js';
import { buildTiff, grayPageEntries } from '../testing/buildTiff.js';

/** The voxel size readTiff reports for a one-pixel TIFF with these tags. */
function voxelSizeOf(extra: BuildEntry[]) {
  return readTiff(buildTiff([{ entries: grayPageEntries(1, 1, 8, extra), chunks: [Uint8Array.of(0)] }]), 'v.tif').voxelSize;
}

const description = (text: string): BuildEntry => ({ tag: 270, type: 2, values: text });
const resolution = (numerator: number, denominator: number, unit = 1): BuildEntry[] => [
  { tag: 282, type: 5, values: [numerator, denominator] },
  { tag: 283, type: 5, values: [numerator, denominator] },
  { tag: 296, type: 3, values: [unit] },
];

describe('TIFF voxel size', () => {
  it('is 1 × 1 × 1 px when the file does not say', () => {
    expect(voxelSizeOf([])).toEqual({ x: 1, y: 1, z: 1, unit: 'px' });
    expect(voxelSizeOf(resolution(1, 1))).toEqual({ x: 1, y: 1, z: 1, unit: 'px' });
  });

  it('reads ImageJ unit=micron with spacing and resolution, in nm', () => {
    expect(voxelSizeOf([description('ImageJ=1.54f\nimages=30\nslices=30\nunit=micron\nspacing=0.05\nloop=false\n'), ...resolution(250, 1)])).toEqual({
      x: 4,
      y: 4,
      z: 50,
      unit: 'nm',
    });
  });

  it('understands the micro sign as ImageJ escapes it, as µ, μ and um', () => {
    for (const unit of ['\\u00B5m', 'µm', 'μm', 'um', 'microns']) {
      expect(voxelSizeOf([description(`ImageJ=1.54f\nunit=${unit}\nspacing=0.035\n`), ...resolution(1000000, 3500)]), unit).toEqual({
        x: 3.5,
        y: 3.5,
        z: 35,
        unit: 'nm',
      });
    }
    const latin1 = [...Buffer.from('ImageJ=1.54f\nunit=\u00b5m\nspacing=0.05\n', 'latin1'), 0];
    expect(voxelSizeOf([{ tag: 270, type: 2, values: latin1 }, ...resolution(250, 1)])).toEqual({ x: 4, y: 4, z: 50, unit: 'nm' });
  });

  it('reads nm as it is, and anisotropic x and y', () => {
    const entries = [description('ImageJ=1.54f\nunit=nm\nspacing=45\n'), { tag: 282, type: 5, values: [1, 4] }, { tag: 283, type: 5, values: [10, 37] }];
    expect(voxelSizeOf(entries)).toEqual({ x: 4, y: 3.7, z: 45, unit: 'nm' });
  });

  it('takes z equal to x when there is no spacing', () => {
    expect(voxelSizeOf([description('ImageJ=1.54f\nunit=nm\n'), ...resolution(1, 6)])).toEqual({ x: 6, y: 6, z: 6, unit: 'nm' });
  });

  it('treats ImageJ unit=pixel as no unit and keeps units it does not know', () => {
    expect(voxelSizeOf([description('ImageJ=1.54f\nunit=pixel\n'), ...resolution(1, 1)])).toEqual({ x: 1, y: 1, z: 1, unit: 'px' });
    expect(voxelSizeOf([description('ImageJ=1.54f\nunit=furlong\nspacing=3\n'), ...resolution(1, 2)])).toEqual({ x: 2, y: 2, z: 3, unit: 'furlong' });
  });

  it('reads centimetre resolution units, and ignores inches (print DPI)', () => {
    expect(voxelSizeOf(resolution(25_000_000, 1, 3))).toEqual({ x: 0.4, y: 0.4, z: 0.4, unit: 'nm' });
    expect(voxelSizeOf(resolution(300, 1, 2))).toEqual({ x: 1, y: 1, z: 1, unit: 'px' });
    expect(voxelSizeOf([description('ImageJ=1.54f\nunit=cm\nspacing=5e-6\n'), ...resolution(2_500_000, 1, 3)])).toEqual({ x: 4, y: 4, z: 50, unit: 'nm' });
  });

  it('reads OME-XML physical sizes with their units (µm by default)', () => {
    const ome = '<?xml version="1.0"?><OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06"><Image ID="Image:0"><Pixels ID="Pixels:0" DimensionOrder="XYZCT" PhysicalSizeX="0.004" PhysicalSizeY="0.004" PhysicalSizeZ="50" PhysicalSizeZUnit="nm" SizeX="1" SizeY="1" SizeZ="1" Type="uint8"/></Image></OME>';
    expect(voxelSizeOf([description(ome)])).toEqual({ x: 4, y: 4, z: 50, unit: 'nm' });
  });
});
