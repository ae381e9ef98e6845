import type { TiledVolumeInfo } from '../../../../protocol/contract.js';
import type { DisplayRange } from '../renderSlice.js';
import { levelForZoom, tilesCovering, type TileKey, type TileStore } from '../TileStore.svelte.js';
import type { DrawContext, LayerView } from './Layer.js';

/**
 * Draws the visible tiles of slice z of a lazily read volume: the scale that matches the zoom,
 * over coarser scales' tiles where finer ones are still loading (so something is always on
 * screen). Only the visible tiles of the chosen scale and of the coarsest are asked for; the
 * store then drops requests for the rest. True when every visible tile of the chosen scale was drawn.
 */
export function drawTiles(context: DrawContext, view: LayerView, volume: TiledVolumeInfo, tiles: TileStore, z: number, range: DisplayRange): boolean {
  const levels = volume.levels;
  const rect = { x0: Math.max(0, view.visible.x0), y0: Math.max(0, view.visible.y0), x1: Math.min(volume.width, view.visible.x1), y1: Math.min(volume.height, view.visible.y1) };
  const target = levelForZoom(volume, view.scale);
  const coarsest = levels.length - 1;
  const size = volume.tileSize;
  const visible: TileKey[] = [];
  let complete = true;
  context.imageSmoothingEnabled = view.scale < 1 && volume.content === 'image';
  for (let level = coarsest; level >= target; level--) {
    const want = level === target || level === coarsest;
    const factor = levels[level]!.factor;
    for (const key of tilesCovering(volume, level, z, rect)) {
      if (want) visible.push(key);
      const drawn = tiles.image(key, range, want);
      if (!drawn) {
        if (level === target) complete = false;
        continue;
      }
      context.drawImage(drawn.image, key.tx * size * factor.x, key.ty * size * factor.y, drawn.tile.width * factor.x, drawn.tile.height * factor.y);
    }
  }
  tiles.settle(visible);
  return complete;
}
