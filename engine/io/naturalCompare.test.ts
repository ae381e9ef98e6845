import { describe, expect, it } from 'vitest';
import { naturalCompare } from './naturalCompare.js';

describe('naturalCompare', () => {
  it('orders numbered slices by number, not by character', () => {
    const names = ['slice_10.png', 'slice_2.png', 'slice_1.png', 'slice_100.png', 'slice_20.png'];
    expect(names.sort(naturalCompare)).toEqual(['slice_1.png', 'slice_2.png', 'slice_10.png', 'slice_20.png', 'slice_100.png']);
  });

  it('puts slice2 before slice10 and handles zero padding and case', () => {
    expect(naturalCompare('slice2', 'slice10')).toBeLessThan(0);
    expect(naturalCompare('Slice_003.png', 'slice_004.png')).toBeLessThan(0);
    expect(['z9', 'z010', 'Z011'].sort(naturalCompare)).toEqual(['z9', 'z010', 'Z011']);
  });

  it('is a total order: names equal to the collator are still ordered and equal names compare 0', () => {
    expect(naturalCompare('a01', 'a1')).not.toBe(0);
    expect(Math.sign(naturalCompare('a01', 'a1'))).toBe(-Math.sign(naturalCompare('a1', 'a01')));
    expect(naturalCompare('same.png', 'same.png')).toBe(0);
  });

  it('orders folder paths of dropped files by folder, then number', () => {
    const names = ['stack/s10.tif', 'stack/s9.tif', 'stack/s1.tif'];
    expect(names.sort(naturalCompare)).toEqual(['stack/s1.tif', 'stack/s9.tif', 'stack/s10.tif']);
  });
});
