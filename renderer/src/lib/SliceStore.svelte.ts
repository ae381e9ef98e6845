import type { EngineClient, Slice, VolumeInfo } from '../../../protocol/contract.js';
import { SliceCache } from './SliceCache.js';

/** The one engine call the store needs (a fake in tests). */
export type SliceSource = Pick<EngineClient, 'getSlice'>;

interface Fetch {
  controller: AbortController;
  promise: Promise<Slice | null>;
}

/**
 * The open volume and the slice on screen: which z the user asked for, which slice is shown,
 * a small LRU cache with z±1 prefetch. Responses for a z that is no longer current are cached
 * but never shown, so fast scrolling cannot show slices out of order; fetches that fall out of
 * the current neighbourhood are cancelled.
 */
export class SliceStore {
  readonly #source: SliceSource;
  readonly #cache: SliceCache;
  // In-flight bookkeeping, not something the UI shows, so a plain Map on purpose.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #fetches = new Map<number, Fetch>();
  #volume = $state.raw<VolumeInfo | null>(null);
  #z = $state(0);
  /** What is drawn; lags #z while the requested slice loads so the view never goes blank. */
  #slice = $state.raw<Slice | null>(null);
  #loading = $state(false);
  #error = $state.raw<string | null>(null);

  /** Called with the new z whenever the requested slice changes (not for a new volume). */
  readonly #onMove: ((z: number) => void) | null;

  constructor(source: SliceSource, cache = new SliceCache(), onMove: ((z: number) => void) | null = null) {
    this.#source = source;
    this.#cache = cache;
    this.#onMove = onMove;
  }

  get volume(): VolumeInfo | null {
    return this.#volume;
  }
  /** The requested slice index (0-based). */
  get z(): number {
    return this.#z;
  }
  get slice(): Slice | null {
    return this.#slice;
  }
  /**
   * The slice on screen, where the cursor reads and edits go: the loaded slice's z, or for a
   * volume read by tiles (never loaded whole) the slice asked for; null before either.
   */
  get shownZ(): number | null {
    return this.#slice ? this.#slice.z : this.#volume?.kind === 'tiled' ? this.#z : null;
  }
  /** True while the requested slice is not yet on screen. */
  get loading(): boolean {
    return this.#loading;
  }
  /** Why the requested slice could not be loaded, if it could not. */
  get error(): string | null {
    return this.#error;
  }
  readonly depth = $derived(this.#volume?.depth ?? 0);

  /** Shows a new volume (or none) from slice 0; forgets everything about the old one. */
  setVolume(volume: VolumeInfo | null): void {
    this.#abortAll();
    this.#cache.clear();
    this.#volume = volume;
    this.#slice = null;
    this.#z = 0;
    this.#error = null;
    this.#loading = false;
    if (volume) this.#show();
  }

  /** Goes to slice z (clamped to the volume). */
  setZ(z: number): void {
    const volume = this.#volume;
    if (!volume) return;
    const clamped = Math.min(volume.depth - 1, Math.max(0, Math.round(z)));
    if (clamped === this.#z && (this.#slice?.z === clamped || this.#loading)) return;
    const moved = clamped !== this.#z;
    this.#z = clamped;
    this.#show();
    if (moved) this.#onMove?.(clamped);
  }

  step(delta: number): void {
    this.setZ(this.#z + delta);
  }

  /** Cancels every fetch; call when the store's owner goes away. */
  dispose(): void {
    this.#abortAll();
  }

  #show(): void {
    const volume = this.#volume;
    // Lazily read volumes (OME-Zarr) are drawn tile by tile (TileStore), never as whole slices.
    if (volume?.kind !== 'memory') return;
    const z = this.#z;
    for (const [fz, fetch] of this.#fetches) {
      if (Math.abs(fz - z) > 1) {
        fetch.controller.abort();
        this.#fetches.delete(fz);
      }
    }
    const cached = this.#cache.get(z);
    if (cached) {
      this.#display(cached);
      return;
    }
    this.#loading = true;
    this.#fetch(volume, z).then(
      (slice) => {
        if (slice && this.#volume === volume && this.#z === z) this.#display(slice);
      },
      (error: unknown) => {
        if (this.#volume !== volume || this.#z !== z || isCancelled(error)) return;
        this.#loading = false;
        this.#error = `Slice ${z} of ${volume.name} could not be loaded: ${(error as Error).message}`;
      },
    );
  }

  #display(slice: Slice): void {
    this.#slice = slice;
    this.#loading = false;
    this.#error = null;
    const volume = this.#volume;
    if (!volume) return;
    for (const near of [slice.z + 1, slice.z - 1]) {
      if (near >= 0 && near < volume.depth && !this.#cache.has(near) && !this.#fetches.has(near)) {
        this.#fetch(volume, near).catch(() => {}); // a failed prefetch is retried when shown
      }
    }
  }

  /** One fetch per z at a time; the result goes into the cache if the volume is still open. */
  #fetch(volume: VolumeInfo, z: number): Promise<Slice | null> {
    const running = this.#fetches.get(z);
    if (running) return running.promise;
    const controller = new AbortController();
    const promise = this.#source.getSlice({ volumeId: volume.id, z }, { signal: controller.signal }).then(
      (slice) => {
        if (this.#fetches.get(z)?.controller === controller) this.#fetches.delete(z);
        if (this.#volume !== volume || slice.volumeId !== volume.id) return null;
        this.#cache.put(slice);
        return slice;
      },
      (error: unknown) => {
        if (this.#fetches.get(z)?.controller === controller) this.#fetches.delete(z);
        throw error;
      },
    );
    this.#fetches.set(z, { controller, promise });
    return promise;
  }

  #abortAll(): void {
    for (const fetch of this.#fetches.values()) fetch.controller.abort();
    this.#fetches.clear();
  }
}

function isCancelled(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === 'CANCELLED' || (error as Error | null)?.name === 'AbortError';
}
