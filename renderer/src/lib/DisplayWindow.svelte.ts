import type { VolumeInfo, VoxelType } from '../../../protocol/contract.js';

/**
 * The contrast window: data values from `low` (black) to `high` (white). Defaults to the
 * engine's suggestion (volume.window: full range for 8-bit, 0.1–99.9th percentile for 16-bit
 * and float). Low may not pass high.
 */
export class DisplayWindow {
  #low = $state(0);
  #high = $state(255);
  #volume = $state.raw<VolumeInfo | null>(null);

  get low(): number {
    return this.#low;
  }
  get high(): number {
    return this.#high;
  }
  /** The slider bounds: the volume's value range (never empty, so sliders stay usable). */
  readonly min = $derived(this.#volume?.range.min ?? 0);
  readonly max = $derived(Math.max(this.#volume?.range.max ?? 255, this.min + this.#smallestStep()));
  /** Slider step in data units: whole values for integers, 1/1000 of the range for float. */
  readonly step = $derived(this.#volume?.dtype === 'float32' ? (this.max - this.min) / 1000 : 1);
  readonly dtype: VoxelType = $derived(this.#volume?.dtype ?? 'uint8');
  /** True when the window is the engine's suggestion. */
  readonly isAuto = $derived(
    this.#volume !== null && this.#low === this.#volume.window.low && this.#high === this.#volume.window.high,
  );
  readonly isFullRange = $derived(this.#volume !== null && this.#low === this.min && this.#high === this.max);

  /** A new volume: its suggested window. */
  setVolume(volume: VolumeInfo | null): void {
    this.#volume = volume;
    this.reset();
  }

  /** Back to the engine's suggestion ("Auto"). */
  reset(): void {
    const window = this.#volume?.window ?? { low: 0, high: 255 };
    this.#low = window.low;
    this.#high = window.high;
  }

  /** The volume's whole value range. */
  showFullRange(): void {
    this.#low = this.min;
    this.#high = this.max;
  }

  setLow(value: number): void {
    if (!Number.isFinite(value)) return;
    this.#low = Math.min(value, this.#high);
  }

  setHigh(value: number): void {
    if (!Number.isFinite(value)) return;
    this.#high = Math.max(value, this.#low);
  }

  #smallestStep(): number {
    return this.#volume?.dtype === 'float32' ? 1e-6 : 1;
  }
}
