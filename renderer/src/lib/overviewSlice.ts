import type { Tile, TiledVolumeInfo, VolumeLevel, VoxelType } from '../../../protocol/contract.js';
import type { SliceData } from './renderSlice.js';

const BYTES: Record<VoxelType, number> = { uint8: 1, uint16: 2, uint32: 4, float32: 4 };

/**
 * The scale to show a whole slice of a tiled volume at, where at most `maxSize` pixels a side
 * are wanted (the 3D view's plane): the finest whose width and height both fit, else the coarsest.
 */
export function overviewLevel(volume: TiledVolumeInfo, maxSize: number): number {
  const fits = volume.levels.findIndex((level) => level.width <= maxSize && level.height <= maxSize);
  return fits === -1 ? volume.levels.length - 1 : fits;
}

/**
 * One whole slice of a scale from its tiles (every tile of that slice, any order): row-major
 * voxels of the volume's type. Throws, naming the tile, when a tile does not fit the scale.
 */
export function assembleTiles(scale: VolumeLevel, tileSize: number, dtype: VoxelType, tiles: readonly Tile[]): SliceData {
  const bytes = BYTES[dtype];
  const out = new Uint8Array(scale.width * scale.height * bytes);
  const expected = Math.ceil(scale.width / tileSize) * Math.ceil(scale.height / tileSize);
  if (tiles.length !== expected) throw new RangeError(`A slice of ${scale.width} × ${scale.height} in tiles of ${tileSize} needs ${expected} tiles, not ${tiles.length}.`);
  for (const tile of tiles) {
    const x0 = tile.tx * tileSize;
    const y0 = tile.ty * tileSize;
    const rowBytes = tile.width * bytes;
    if (tile.dtype !== dtype || x0 + tile.width > scale.width || y0 + tile.height > scale.height || tile.data.byteLength < rowBytes * tile.height) {
      throw new RangeError(`Tile (${tile.tx}, ${tile.ty}) of level ${tile.level}, ${tile.width} × ${tile.height} ${tile.dtype}, does not fit a ${scale.width} × ${scale.height} ${dtype} slice.`);
    }
    const source = new Uint8Array(tile.data, 0, rowBytes * tile.height);
    for (let row = 0; row < tile.height; row++) out.set(source.subarray(row * rowBytes, (row + 1) * rowBytes), ((y0 + row) * scale.width + x0) * bytes);
  }
  return { width: scale.width, height: scale.height, dtype, data: out.buffer };
}
