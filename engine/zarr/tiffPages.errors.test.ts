import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VolumeReadError } from '../io/VolumeReadError.js';
import { structuredTiffs } from '../fuzz/tiffCases.js';
import { openTiffPages } from './tiffPages.js';

/*
 * The files that aborted `membrana import` (SIGABRT in an fs read of more than 2 GiB, or a
 * TypeError naming no file): each is now a VolumeReadError naming it, before a big buffer exists.
 */
describe('openTiffPages: files that declare more than they hold', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'membrana-tiffpages-errors-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const expected: Record<string, RegExp> = {
    'huge-page-100000.tif': /strip 1 of 1 stores 1,920 bytes, too few/,
    'huge-page-honest-count.tif': /truncated \(page 1\): strip 1 should end at byte 4,294,967,/,
    'huge-tag-count.tif': /truncated \(page 1\): the values of tag 270 should end at byte/,
    'huge-strip-count.tif': /truncated \(page 1\): the values of tag 273/,
    'bigtiff-huge-entry-count.tif': /truncated \(page 1\): its directory of 1099511627776 entries/,
    'no-pages.tif': /contains no pages/,
    'huge-float64-deflate.tif': /too few for the 7,200,000,000 bytes/,
  };
  for (const c of structuredTiffs().filter((c) => c.name in expected)) {
    it(`${c.name}: ${c.note}`, async () => {
      const file = path.join(dir, c.name);
      await writeFile(file, c.bytes);
      const error = await openTiffPages(file).then(
        async (pages) => {
          await pages.close();
          return undefined;
        },
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(VolumeReadError);
      expect((error as VolumeReadError).message).toContain(file);
      expect((error as VolumeReadError).message).toMatch(expected[c.name]!);
    });
  }
});
