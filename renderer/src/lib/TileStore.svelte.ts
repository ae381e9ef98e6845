import type { EngineClient, Tile, TiledVolumeInfo, VolumeInfo } from '../../../protocol/contract.js';
import { renderLabels } from './labels/renderLabels.js';
import { assembleTiles, overviewLevel } from './overviewSlice.js';
import { renderSlice, voxelAt, type DisplayRange, type SliceData } from './renderSlice.js';

/** The one engine call the store needs (a fake in tests). */
export type TileSource = Pick<EngineClient, 'getTile'>;

/** A tile's place: scale, slice at that scale, column and row. */
export interface TileKey {
  level: number;
  z: number;
  tx: number;
  ty: number;
}

interface Entry {
  tile: Tile;
  /** The tile drawn under `range`; redrawn when the window changes. */
  image: OffscreenCanvas | HTMLCanvasElement | null;
  range: DisplayRange | null;
  bytes: number;
  used: number;
}

/** Tiles fetched at once; more wait, and those no longer wanted are dropped from the queue. */
const MAX_IN_FLIGHT = 6;
export const DEFAULT_BUDGET_MB = 512;
/** A tile that failed to read is asked for again after this long. */
const RETRY_AFTER_MS = 10_000;
/** readOverview reads no scale bigger than this (pixels): a volume without a coarse scale gets none. */
const MAX_OVERVIEW_PIXELS = 4096 * 4096;

const keyOf = (k: TileKey): string => `${k.level}/${k.z}/${k.tx}/${k.ty}`;

/**
 * Tiles of a lazily read volume (OME-Zarr): fetched when the view asks for them, kept in a
 * least-recently-used cache under a memory budget the user can see and set (raw voxels plus
 * the drawn RGBA), drawn with the contrast window on demand. `revision` changes when a tile
 * arrives, so the view redraws.
 */
export class TileStore {
  readonly #source: TileSource;
  /** Grey levels under the contrast window, or label ids in segment colours. */
  readonly #kind: 'image' | 'labels';
  // Cache bookkeeping, not state the UI shows; `revision` and `usedBytes` are.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #entries = new Map<string, Entry>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #inFlight = new Map<string, AbortController>();
  #queue: TileKey[] = [];
  /** The tiles the last frame showed: never evicted. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #visible = new Set<string>();
  #volume: TiledVolumeInfo | null = null;
  #clock = 0;
  #revision = $state(0);
  /** Tiles whose last read failed, and when. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #failed = new Map<string, number>();
  /** The last failure to read a tile (a damaged chunk, say), until no tile is failing. */
  #error = $state.raw<{ message: string; hint?: string } | null>(null);
  #usedBytes = $state(0);
  #budgetBytes = $state(DEFAULT_BUDGET_MB * 1024 * 1024);

  constructor(source: TileSource, kind: 'image' | 'labels' = 'image', budgetMb = DEFAULT_BUDGET_MB) {
    this.#source = source;
    this.#kind = kind;
    this.#budgetBytes = budgetMb * 1024 * 1024;
  }

  get revision(): number {
    return this.#revision;
  }
  /** Why tiles could not be read, while any cannot. */
  get error(): { message: string; hint?: string } | null {
    return this.#error;
  }
  get usedBytes(): number {
    return this.#usedBytes;
  }
  get budgetBytes(): number {
    return this.#budgetBytes;
  }
  get tileCount(): number {
    return this.#entries.size;
  }

  setBudget(megabytes: number): void {
    this.#budgetBytes = Math.max(32, Math.round(megabytes)) * 1024 * 1024;
    this.#evict(this.#visible);
  }

  setVolume(volume: VolumeInfo | null): void {
    for (const controller of this.#inFlight.values()) controller.abort();
    this.#inFlight.clear();
    this.#queue = [];
    this.#entries.clear();
    this.#visible.clear();
    this.#failed.clear();
    this.#error = null;
    this.#usedBytes = 0;
    this.#volume = volume?.kind === 'tiled' ? volume : null;
    this.#revision++;
  }

  /**
   * The drawable image of a tile if it is cached (drawn under `range`), else null; marks it used.
   * `want` asks for it to be fetched when it is missing.
   */
  image(key: TileKey, range: DisplayRange, want: boolean): { image: CanvasImageSource; tile: Tile } | null {
    const entry = this.#entries.get(keyOf(key));
    if (!entry) {
      if (want) this.#request(key);
      return null;
    }
    entry.used = ++this.#clock;
    // Labels do not depend on the contrast window: drawn once.
    if (!entry.image || (this.#kind === 'image' && (entry.range?.low !== range.low || entry.range.high !== range.high))) {
      entry.image = drawTile(entry.tile, this.#kind === 'labels' ? null : range, entry.image);
      entry.range = { ...range };
    }
    return entry.image ? { image: entry.image, tile: entry.tile } : null;
  }

  /**
   * The voxel value at (x, y) of finest-scale slice z from the finest cached tile that holds it
   * (level 0 when loaded; a coarser scale's mean otherwise), or null when no tile is cached.
   */
  valueAt(z: number, x: number, y: number): { value: number; level: number } | null {
    const volume = this.#volume;
    if (!volume || x < 0 || y < 0 || x >= volume.width || y >= volume.height) return null;
    const size = volume.tileSize;
    for (let level = 0; level < volume.levels.length; level++) {
      const { factor } = volume.levels[level]!;
      const lx = Math.floor(x / factor.x), ly = Math.floor(y / factor.y);
      const key = { level, z: Math.min(volume.levels[level]!.depth - 1, Math.floor(z / factor.z)), tx: Math.floor(lx / size), ty: Math.floor(ly / size) };
      const entry = this.#entries.get(keyOf(key));
      if (!entry) continue;
      const value = voxelAt(entry.tile, lx - key.tx * size, ly - key.ty * size);
      if (value !== null) return { value, level };
    }
    return null;
  }

  /**
   * The whole of slice z at the finest scale that fits `maxSize` pixels a side (the 3D view's
   * plane): cached tiles are used, the rest read at up to six at a time without entering the cache
   * (the slice view's tiles keep it). Null without a tiled volume, when the volume changes
   * meanwhile, or when it has no scale of at most 4096² pixels; rejects when a tile cannot be read.
   */
  async readOverview(z: number, maxSize: number, signal?: AbortSignal): Promise<(SliceData & { z: number; level: number }) | null> {
    const volume = this.#volume;
    if (!volume) return null;
    const level = overviewLevel(volume, maxSize);
    const scale = volume.levels[level]!;
    if (scale.width * scale.height > MAX_OVERVIEW_PIXELS) return null;
    const keys = tilesCovering(volume, level, z, { x0: 0, y0: 0, x1: volume.width, y1: volume.height });
    const tiles: Tile[] = [];
    let next = 0;
    const reader = async (): Promise<void> => {
      while (next < keys.length) {
        const key = keys[next++]!;
        tiles.push(this.#entries.get(keyOf(key))?.tile ?? (await this.#source.getTile({ volumeId: volume.id, ...key }, { signal })));
      }
    };
    await Promise.all(Array.from({ length: Math.min(MAX_IN_FLIGHT, keys.length) }, reader));
    if (this.#volume !== volume) return null;
    return { z, level, ...assembleTiles(scale, volume.tileSize, volume.dtype, tiles) };
  }

  /** True when the tile is cached. */
  has(key: TileKey): boolean {
    return this.#entries.has(keyOf(key));
  }

  /** After a frame: drops queued requests for tiles no longer visible, evicts over budget (never the visible ones). */
  settle(visible: TileKey[]): void {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const wanted = new Set(visible.map(keyOf));
    this.#visible = wanted;
    this.#queue = this.#queue.filter((k) => wanted.has(keyOf(k)));
    for (const [key, controller] of this.#inFlight) {
      if (!wanted.has(key)) {
        controller.abort();
        this.#inFlight.delete(key);
      }
    }
    // Failures of tiles no longer on screen are forgotten: the message is about what is shown.
    for (const key of this.#failed.keys()) if (!wanted.has(key)) this.#failed.delete(key);
    if (this.#failed.size === 0) this.#error = null;
    this.#evict(wanted);
    this.#pump();
  }

  dispose(): void {
    this.setVolume(null);
  }


  #request(key: TileKey): void {
    const id = keyOf(key);
    if (this.#inFlight.has(id) || this.#queue.some((k) => keyOf(k) === id)) return;
    // A tile that failed is asked for again only after a pause, not every frame.
    const failed = this.#failed.get(id);
    if (failed !== undefined && performance.now() - failed < RETRY_AFTER_MS) return;
    this.#queue.push(key);
    this.#pump();
  }

  #pump(): void {
    const volume = this.#volume;
    while (volume && this.#inFlight.size < MAX_IN_FLIGHT && this.#queue.length > 0) {
      const key = this.#queue.shift()!;
      const id = keyOf(key);
      const controller = new AbortController();
      this.#inFlight.set(id, controller);
      this.#source.getTile({ volumeId: volume.id, ...key }, { signal: controller.signal }).then(
        (tile) => {
          if (this.#inFlight.get(id) !== controller) return;
          this.#inFlight.delete(id);
          if (this.#volume !== volume) return;
          const bytes = tile.data.byteLength + tile.width * tile.height * 4;
          this.#entries.set(id, { tile, image: null, range: null, bytes, used: ++this.#clock });
          if (this.#failed.delete(id) && this.#failed.size === 0) this.#error = null;
          this.#usedBytes += bytes;
          this.#evict(this.#visible);
          this.#revision++;
          this.#pump();
        },
        (error: unknown) => {
          const mine = this.#inFlight.get(id) === controller;
          if (mine) this.#inFlight.delete(id);
          // A tile dropped because it scrolled away is not a failure; anything else is kept, shown and retried later.
          if (mine && !controller.signal.aborted && this.#volume === volume) {
            this.#failed.set(id, performance.now());
            this.#error = { message: (error as Error).message ?? String(error), ...((error as { hint?: string }).hint ? { hint: (error as { hint?: string }).hint } : {}) };
          }
          this.#pump();
        },
      );
    }
  }

  #evict(keep: Set<string>): void {
    if (this.#usedBytes <= this.#budgetBytes) return;
    const byAge = [...this.#entries].filter(([id]) => !keep.has(id)).sort((a, b) => a[1].used - b[1].used);
    for (const [id, entry] of byAge) {
      if (this.#usedBytes <= this.#budgetBytes) break;
      this.#entries.delete(id);
      this.#usedBytes -= entry.bytes;
      if (entry.image) {
        entry.image.width = 0;
        entry.image.height = 0;
      }
    }
  }
}

/** A tile drawn into a canvas: grey under `range`, or (range null) label ids in segment colours. */
function drawTile(tile: Tile, range: DisplayRange | null, reuse: OffscreenCanvas | HTMLCanvasElement | null): OffscreenCanvas | HTMLCanvasElement | null {
  const surface = reuse ?? (typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(tile.width, tile.height) : document.createElement('canvas'));
  surface.width = tile.width;
  surface.height = tile.height;
  const context = surface.getContext('2d') as OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null;
  if (!context) return null;
  const data = { width: tile.width, height: tile.height, dtype: tile.dtype, data: tile.data };
  const rgba = range ? renderSlice(data, range) : renderLabels(data);
  context.putImageData(new ImageData(rgba, tile.width, tile.height), 0, 0);
  return surface;
}

/**
 * The scale to show at a zoom: the coarsest whose voxels are still no larger than a screen
 * pixel (`pixelsPerVoxel` = screen pixels per finest-scale voxel), so nothing finer than the
 * screen is fetched.
 */
export function levelForZoom(volume: TiledVolumeInfo, pixelsPerVoxel: number): number {
  let chosen = 0;
  volume.levels.forEach((level, index) => {
    if (level.factor.x * pixelsPerVoxel <= 1.0001) chosen = index;
  });
  return chosen;
}

/** The tiles of `level` that cover the image rectangle [x0, x1) × [y0, y1) (finest-scale pixels). */
export function tilesCovering(volume: TiledVolumeInfo, level: number, z: number, rect: { x0: number; y0: number; x1: number; y1: number }): TileKey[] {
  const scale = volume.levels[level];
  const size = volume.tileSize;
  if (!scale) return [];
  const lz = Math.min(scale.depth - 1, Math.floor(z / scale.factor.z));
  const tx0 = Math.max(0, Math.floor(rect.x0 / scale.factor.x / size));
  const ty0 = Math.max(0, Math.floor(rect.y0 / scale.factor.y / size));
  const tx1 = Math.min(Math.ceil(scale.width / size), Math.ceil(rect.x1 / scale.factor.x / size));
  const ty1 = Math.min(Math.ceil(scale.height / size), Math.ceil(rect.y1 / scale.factor.y / size));
  const keys: TileKey[] = [];
  for (let ty = ty0; ty < ty1; ty++) for (let tx = tx0; tx < tx1; tx++) keys.push({ level, z: lz, tx, ty });
  return keys;
}
