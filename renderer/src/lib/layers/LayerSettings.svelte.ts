/** Visibility and opacity of a layer with no other owner (the image, the tool overlays): set from the layers panel. */
export class LayerSettings {
  #visible = $state(true);
  #opacity = $state(1);

  constructor(visible = true, opacity = 1) {
    this.#visible = visible;
    this.setOpacity(opacity);
  }

  get visible(): boolean {
    return this.#visible;
  }
  get opacity(): number {
    return this.#opacity;
  }
  setVisible(visible: boolean): void {
    this.#visible = visible;
  }
  setOpacity(opacity: number): void {
    this.#opacity = clampOpacity(opacity);
  }
}

/** 0–1; anything else (NaN) is refused with its value, since a panel slider should never send it. */
export function clampOpacity(opacity: number): number {
  if (Number.isNaN(opacity)) throw new RangeError(`A layer's opacity must be a number from 0 to 1, not ${opacity}.`);
  return Math.min(1, Math.max(0, opacity));
}

/** The visibility and opacity part of a layer that owns them itself (the image, tiles, tool overlays). */
export abstract class SelfSettledLayer {
  readonly #settings = new LayerSettings();

  get visible(): boolean {
    return this.#settings.visible;
  }
  get opacity(): number {
    return this.#settings.opacity;
  }
  setVisible(visible: boolean): void {
    this.#settings.setVisible(visible);
  }
  setOpacity(opacity: number): void {
    this.#settings.setOpacity(opacity);
  }
}
