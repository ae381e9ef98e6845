import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Whether `file` is a Zarr store (a folder with Zarr v2 or v3 metadata), not a TIFF or images.
 * Its own module, free of zarrita, so the CLI can tell which path it takes before loading it.
 */
export function isZarrStore(file: string): boolean {
  if (!existsSync(file) || !statSync(file).isDirectory()) return /\.zarr\/?$/i.test(file);
  return ['.zattrs', '.zgroup', '.zarray', 'zarr.json'].some((name) => existsSync(path.join(file, name)));
}
