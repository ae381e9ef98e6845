import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VolumeReadError } from './VolumeReadError.js';
import { readVolume, readVolumeFromFiles } from './readVolume.js';
import { buildPng } from './testing/buildPng.js';
import { writeTiff } from './writeTiff.js';

let tmp: string;
const at = (...parts: string[]) => path.join(tmp, ...parts);

/** A w × h 8-bit grey PNG whose pixels all equal `value`. */
const png8 = (value: number, width = 4, height = 3) => buildPng({ width, height, colorType: 0, bitDepth: 8, samples: new Uint8Array(width * height).fill(value) });
const png16 = (value: number, width = 4, height = 3) => buildPng({ width, height, colorType: 0, bitDepth: 16, samples: new Uint16Array(width * height).fill(value) });
const tiff8 = (value: number, width = 4, height = 3, depth = 1) => writeTiff({ width, height, depth, dtype: 'uint8', data: new Uint8Array(width * height * depth).fill(value) });

/** The VolumeReadError a promise rejects with, checked for message and hint. */
async function rejection(promise: Promise<unknown>, file: string): Promise<VolumeReadError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the read to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VolumeReadError);
  const e = error as VolumeReadError;
  expect(e.message).toContain(file);
  expect(e.hint.length).toBeGreaterThan(10);
  return e;
}

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'membrana-io-'));
  mkdirSync(at('slices'));
  // Written out of order, numbered without padding: natural order must win.
  for (const z of [10, 2, 1, 11, 3]) writeFileSync(at('slices', `slice_${z}.png`), png8(z));
  writeFileSync(at('slices', '.DS_Store'), 'junk');
  writeFileSync(at('slices', 'Thumbs.db'), 'junk');
  writeFileSync(at('slices', 'README.txt'), 'made with love');
  mkdirSync(at('slices', 'subfolder'));
  mkdirSync(at('mismatch'));
  writeFileSync(at('mismatch', 'a1.png'), png8(1));
  writeFileSync(at('mismatch', 'a2.png'), png8(2, 5, 3));
  mkdirSync(at('mixed'));
  writeFileSync(at('mixed', 'm1.png'), png8(200));
  writeFileSync(at('mixed', 'm2.tif'), tiff8(100));
  writeFileSync(at('mixed', 'm3.png'), png16(60_000));
  mkdirSync(at('empty'));
  mkdirSync(at('notes'));
  writeFileSync(at('notes', 'notes.txt'), 'nothing to see');
  mkdirSync(at('one'));
  writeFileSync(at('one', 'stack.tif'), tiff8(5, 4, 3, 7));
  mkdirSync(at('broken'));
  writeFileSync(at('broken', 's1.png'), png8(1));
  writeFileSync(at('broken', 's2.png'), png8(2).subarray(0, 40));
  mkdirSync(at('linked'));
  writeFileSync(at('linked', 'l1.png'), png8(1));
  symlinkSync(at('linked', 'l1.png'), at('linked', 'l2.png'));
  symlinkSync(at('nowhere.png'), at('linked', 'dangling.png'));
  writeFileSync(at('stack.tif'), tiff8(9, 4, 3, 2));
  writeFileSync(at('image.png'), png16(1234));
  writeFileSync(at('notes.tif'), 'these are my lab notes, not an image\n');
  writeFileSync(at('empty.png'), '');
  writeFileSync(at('volume.h5'), Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]));
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('readVolume', () => {
  it('reads a TIFF stack and a PNG by content', async () => {
    const stack = await readVolume(at('stack.tif'));
    expect(stack).toMatchObject({ name: 'stack.tif', source: at('stack.tif'), width: 4, height: 3, depth: 2, dtype: 'uint8', format: 'TIFF (uncompressed, 8-bit)' });
    const image = await readVolume(at('image.png'));
    expect(image).toMatchObject({ name: 'image.png', depth: 1, dtype: 'uint16', format: 'PNG (16-bit)' });
    expect(image.data[0]).toBe(1234);
  });

  it('reads a folder of slices in natural order, skipping system files, notes and subfolders', async () => {
    const volume = await readVolume(at('slices'));
    expect(volume).toMatchObject({ name: 'slices', source: at('slices'), width: 4, height: 3, depth: 5, dtype: 'uint8', format: 'PNG folder (5 slices, 8-bit)' });
    const firstOfEachSlice = Array.from({ length: 5 }, (_, z) => volume.data[z * 12]);
    expect(firstOfEachSlice).toEqual([1, 2, 3, 10, 11]);
    expect(volume.voxelSize).toEqual({ x: 1, y: 1, z: 1, unit: 'px' });
  });

  it('widens mixed 8-bit and 16-bit slices (PNG and TIFF) to 16-bit, keeping values', async () => {
    const volume = await readVolume(at('mixed'));
    expect(volume.dtype).toBe('uint16');
    expect(Array.from({ length: 3 }, (_, z) => volume.data[z * 12])).toEqual([200, 100, 60_000]);
    expect(volume.format).toBe('PNG+TIFF folder (3 slices, mixed 8-bit/16-bit as 16-bit)');
  });

  it('opens the one stack in a folder that holds a single image', async () => {
    const volume = await readVolume(at('one'));
    expect(volume).toMatchObject({ name: 'stack.tif', depth: 7 });
  });

  it('follows links to slices and ignores dangling ones', async () => {
    expect((await readVolume(at('linked'))).depth).toBe(2);
  });

  it('reports slices of different sizes as SIZE_MISMATCH naming both files and sizes', async () => {
    const error = await rejection(readVolume(at('mismatch')), 'a2.png');
    expect(error.code).toBe('SIZE_MISMATCH');
    expect(error.file).toBe(at('mismatch', 'a2.png'));
    expect(error.message).toContain(`${at('mismatch', 'a2.png')} is 5 × 3 pixels, but ${at('mismatch', 'a1.png')} is 4 × 3`);
  });

  it('reports a broken slice in a folder with its own name', async () => {
    const error = await rejection(readVolume(at('broken')), 's2.png');
    expect(error.code).toBe('TRUNCATED');
    expect(error.file).toBe(at('broken', 's2.png'));
  });

  it('reports a missing path as ENOENT naming it', async () => {
    const missing = at('no-such-stack.tif');
    const error = await rejection(readVolume(missing), missing);
    expect(error.code).toBe('ENOENT');
    expect(error.file).toBe(missing);
  });

  it('reports empty folders and folders without images as EMPTY_FOLDER', async () => {
    const empty = await rejection(readVolume(at('empty')), at('empty'));
    expect(empty.code).toBe('EMPTY_FOLDER');
    expect(empty.message).toMatch(/it is empty/);
    const notes = await rejection(readVolume(at('notes')), at('notes'));
    expect(notes.code).toBe('EMPTY_FOLDER');
    expect(notes.message).toMatch(/1 other file\)/);
  });

  it('reports text, empty and unsupported files as NOT_AN_IMAGE or UNSUPPORTED naming them', async () => {
    const text = await rejection(readVolume(at('notes.tif')), 'notes.tif');
    expect(text.code).toBe('NOT_AN_IMAGE');
    // It says what the file seems to be, never what it holds (messages reach browsers in serve mode).
    expect(text.message).toContain('it looks like text');
    expect(text.message).not.toContain('these');
    expect((await rejection(readVolume(at('empty.png')), 'empty.png')).code).toBe('NOT_AN_IMAGE');
    const hdf5 = await rejection(readVolume(at('volume.h5')), 'volume.h5');
    expect(hdf5.code).toBe('UNSUPPORTED');
    expect(hdf5.message).toMatch(/HDF5/);
  });
});

describe('readVolumeFromFiles', () => {
  const file = (name: string, data: Uint8Array) => ({ name, data });

  it('reads one dropped stack', () => {
    const volume = readVolumeFromFiles([file('stack.tif', tiff8(3, 4, 3, 4))]);
    expect(volume).toMatchObject({ name: 'stack.tif', source: 'stack.tif', depth: 4 });
  });

  it('stacks many dropped slices in natural order, ignoring .DS_Store and Thumbs.db', () => {
    const volume = readVolumeFromFiles([
      file('em/z10.png', png8(10)),
      file('em/.DS_Store', new TextEncoder().encode('junk')),
      file('em/z9.png', png8(9)),
      file('em/Thumbs.db', new Uint8Array(10)),
      file('em/z1.png', png8(1)),
    ]);
    expect(volume).toMatchObject({ name: 'em', source: 'em', depth: 3, format: 'PNG files (3 slices, 8-bit)' });
    expect([volume.data[0], volume.data[12], volume.data[24]]).toEqual([1, 9, 10]);
    const loose = readVolumeFromFiles([file('b.png', png8(2)), file('a.png', png8(1))]);
    expect(loose.name).toBe('a.png … b.png');
  });

  it('reports drops without images, and image-named files that are not images', () => {
    const notImages = () => readVolumeFromFiles([file('.DS_Store', new Uint8Array(4)), file('notes.txt', new TextEncoder().encode('hi'))]);
    expect(notImages).toThrow(expect.objectContaining({ hint: expect.stringMatching(/.{10}/), code: 'NOT_AN_IMAGE', message: expect.stringContaining('notes.txt') }));
    const fake = () => readVolumeFromFiles([file('s1.png', png8(1)), file('s2.png', new TextEncoder().encode('not really'))]);
    expect(fake).toThrow(expect.objectContaining({ hint: expect.stringMatching(/.{10}/), code: 'NOT_AN_IMAGE', file: 's2.png' }));
    expect(() => readVolumeFromFiles([file('notes.txt', new TextEncoder().encode('hi'))])).toThrow(expect.objectContaining({ hint: expect.stringMatching(/.{10}/), code: 'NOT_AN_IMAGE', file: 'notes.txt' }));
    expect(() => readVolumeFromFiles([])).toThrow(expect.objectContaining({ hint: expect.stringMatching(/.{10}/), code: 'EMPTY_FOLDER' }));
  });

  it('reports dropped slices of different sizes and multi-page slices', () => {
    expect(() => readVolumeFromFiles([file('s1.png', png8(1)), file('s2.png', png8(1, 8, 8))])).toThrow(
      expect.objectContaining({ hint: expect.stringMatching(/.{10}/), code: 'SIZE_MISMATCH', file: 's2.png', message: expect.stringContaining('s2.png is 8 × 8 pixels, but s1.png is 4 × 3') }),
    );
    expect(() => readVolumeFromFiles([file('s1.tif', tiff8(1)), file('s2.tif', tiff8(1, 4, 3, 2))])).toThrow(
      expect.objectContaining({ hint: expect.stringMatching(/.{10}/), code: 'UNSUPPORTED', file: 's2.tif', message: expect.stringContaining('s2.tif holds 2 slices') }),
    );
  });
});
