import { describe, expect, it } from 'vitest';
import { ngffProblems } from './ngffSchema.js';
import { buildImageAttributes, buildMultiscale } from './omeMetadata.js';

const voxelSize = { x: 4, y: 4, z: 50, unit: 'nm' };

function v04(): Record<string, unknown> {
  return buildImageAttributes('0.4', buildMultiscale('0.4', 'em', voxelSize, 3, false), false);
}

function v05(): { ome: Record<string, unknown> } {
  return buildImageAttributes('0.5', buildMultiscale('0.5', 'em', voxelSize, 3, true), true) as { ome: Record<string, unknown> };
}

/** The first multiscale of 0.4 attributes, to break in a test. */
function multiscale(attributes: Record<string, unknown>): Record<string, unknown> & { axes: Record<string, unknown>[]; datasets: { coordinateTransformations: Record<string, unknown>[] }[] } {
  return (attributes.multiscales as never[])[0]!;
}

describe('ngffProblems', () => {
  it('accepts what Membrana writes for NGFF 0.4 and 0.5 (with image-label)', () => {
    expect(ngffProblems(v04(), '0.4')).toEqual([]);
    expect(ngffProblems(v05(), '0.5')).toEqual([]);
    expect(v04()).toMatchObject({ multiscales: [{ version: '0.4', axes: [{ name: 'z', type: 'space', unit: 'nanometer' }, {}, {}] }] });
    expect(v05().ome).toMatchObject({ version: '0.5', 'image-label': { source: { image: '../../' } } });
    expect(multiscale(v04()).datasets[1]!.coordinateTransformations).toEqual([
      { type: 'scale', scale: [50, 8, 8] },
      { type: 'translation', translation: [0, 2, 2] },
    ]);
  });

  it('finds missing or misplaced multiscales', () => {
    expect(ngffProblems({}, '0.4')).toEqual(['there is no "multiscales" list (or it is empty)']);
    expect(ngffProblems(v04(), '0.5')[0]).toContain('no "ome" object');
    expect(ngffProblems({ ome: { ...v05().ome, version: '0.4' } }, '0.5')[0]).toContain('ome.version');
  });

  it('finds a wrong version in a 0.4 multiscale', () => {
    const attributes = v04();
    multiscale(attributes).version = '0.3';
    expect(ngffProblems(attributes, '0.4').join()).toContain('multiscales[0].version');
  });

  it('finds broken axes: too few, duplicate names, bad units, wrong order', () => {
    let attributes = v04();
    multiscale(attributes).axes = [{ name: 'x', type: 'space' }];
    expect(ngffProblems(attributes, '0.4').join()).toContain('2 to 5 axes');
    attributes = v04();
    multiscale(attributes).axes[1]!.name = 'z';
    expect(ngffProblems(attributes, '0.4').join()).toContain('used twice');
    attributes = v04();
    multiscale(attributes).axes[2]!.unit = 'nm';
    expect(ngffProblems(attributes, '0.4').join()).toContain('"nm" is not a length unit');
    attributes = v04();
    multiscale(attributes).axes.push({ name: 't', type: 'time' });
    for (const d of multiscale(attributes).datasets) d.coordinateTransformations = [{ type: 'scale', scale: [1, 1, 1, 1] }];
    expect(ngffProblems(attributes, '0.4').join()).toContain('the order is time, channel, then space');
  });

  it('finds broken coordinate transformations', () => {
    let attributes = v04();
    multiscale(attributes).datasets[0]!.coordinateTransformations = [{ type: 'scale', scale: [1, 1] }];
    expect(ngffProblems(attributes, '0.4').join()).toContain('must be 3 numbers');
    attributes = v04();
    multiscale(attributes).datasets[1]!.coordinateTransformations.reverse();
    expect(ngffProblems(attributes, '0.4').join()).toContain('must be a "scale"');
    attributes = v04();
    multiscale(attributes).datasets[2]!.coordinateTransformations = [];
    expect(ngffProblems(attributes, '0.4').join()).toContain('must list a "scale"');
    attributes = v04();
    multiscale(attributes).datasets = [];
    expect(ngffProblems(attributes, '0.4').join()).toContain('at least one resolution level');
  });

  it('finds a broken image-label block', () => {
    const attributes = v05();
    attributes.ome['image-label'] = { colors: [{ rgba: [1, 2, 3, 4] }] };
    expect(ngffProblems(attributes, '0.5').join()).toContain('label-value');
  });
});
