import { describe, expect, it } from 'vitest';
import { formatDimensions, formatDuration, formatSignificant, formatValue, formatVoxelSize, formatSlices, formatWhen, formatZoom } from './formatters.js';

describe('formatters', () => {
  it('formats floats to 4 significant digits and integers whole', () => {
    expect(formatValue(0.123456, 'float32')).toBe('0.1235');
    expect(formatValue(1234567, 'float32')).toBe('1.235e+6');
    expect(formatValue(2, 'float32')).toBe('2');
    expect(formatValue(-0.5, 'float32')).toBe('-0.5');
    expect(formatValue(Number.NaN, 'float32')).toBe('NaN');
    expect(formatValue(65535, 'uint16')).toBe('65535');
    expect(formatSignificant(1e-7)).toBe('1e-7');
    expect(formatValue(-0.00008935, 'float32')).toBe('-8.935e-5');
    expect(formatValue(0.0123456, 'float32')).toBe('0.01235');
  });

  it('states the voxel size, or that it is unknown', () => {
    expect(formatVoxelSize({ x: 4, y: 4, z: 50, unit: 'nm' })).toBe('voxel 4 × 4 × 50 nm');
    expect(formatVoxelSize({ x: 0.0049, y: 0.0049, z: 0.05, unit: 'µm' })).toBe('voxel 0.0049 × 0.0049 × 0.05 µm');
    expect(formatVoxelSize({ x: 1, y: 1, z: 1, unit: 'px' })).toBe('voxel size unknown (px)');
  });

  it('formats zoom and dimensions', () => {
    expect(formatZoom(100)).toBe('100%');
    expect(formatZoom(117.1875)).toBe('117%');
    expect(formatZoom(12.5)).toBe('12.5%');
    expect(formatZoom(100 / 64)).toBe('1.6%');
    expect(formatDimensions({ width: 512, height: 512, depth: 30, dtype: 'uint8' })).toBe('512 × 512 × 30 uint8');
  });
});

describe('formatDuration', () => {
  it('writes seconds, minutes and hours', () => {
    expect(formatDuration(44.6)).toBe('45 s');
    expect(formatDuration(185)).toBe('3 min 05 s');
    expect(formatDuration(3720)).toBe('1 h 02 min');
    expect(formatDuration(-3)).toBe('0 s');
  });
});

describe('formatSlices', () => {
  it('writes runs of slices as ranges, in order, once each', () => {
    expect(formatSlices([4, 0, 1, 2, 3, 7, 10, 9, 9])).toBe('0–4, 7, 9–10');
    expect(formatSlices([5])).toBe('5');
    expect(formatSlices([])).toBe('');
  });
});

describe('formatWhen', () => {
  it('says today with the time, yesterday, days ago within a week, else the date', () => {
    const now = new Date(2025, 2, 12, 15, 30);
    expect(formatWhen(new Date(2025, 2, 12, 9, 5).toISOString(), now)).toBe('today 09:05');
    expect(formatWhen(new Date(2025, 2, 11, 23, 59).toISOString(), now)).toBe('yesterday');
    expect(formatWhen(new Date(2025, 2, 6, 8).toISOString(), now)).toBe('6 days ago');
    expect(formatWhen(new Date(2025, 2, 5, 8).toISOString(), now)).toBe('5 Mar 2025');
    expect(formatWhen('not a date', now)).toBe('');
  });
});
