import type { OverlayStyle } from '../paint/overlayLut.js';

/** How the prediction and corrections are drawn over the image; one key toggles each part. */
export class OverlayStyleState {
  #showPrediction = $state(true);
  #mode = $state<OverlayStyle['mode']>('probability');
  #threshold = $state(128);
  #opacity = $state(0.55);
  #colormap = $state<OverlayStyle['colormap']>('magenta');
  #showCorrections = $state(true);
  #correctionOpacity = $state(0.8);

  /** A plain snapshot for the renderer; reading it subscribes to every field. */
  readonly style: OverlayStyle = $derived({
    showPrediction: this.#showPrediction,
    mode: this.#mode,
    threshold: this.#threshold,
    opacity: this.#opacity,
    colormap: this.#colormap,
    showCorrections: this.#showCorrections,
    correctionOpacity: this.#correctionOpacity,
  });

  get showPrediction(): boolean {
    return this.#showPrediction;
  }
  get mode(): OverlayStyle['mode'] {
    return this.#mode;
  }
  get threshold(): number {
    return this.#threshold;
  }
  get opacity(): number {
    return this.#opacity;
  }
  get colormap(): OverlayStyle['colormap'] {
    return this.#colormap;
  }
  get showCorrections(): boolean {
    return this.#showCorrections;
  }
  get correctionOpacity(): number {
    return this.#correctionOpacity;
  }

  togglePrediction(): void {
    this.#showPrediction = !this.#showPrediction;
  }
  toggleCorrections(): void {
    this.#showCorrections = !this.#showCorrections;
  }
  toggleThreshold(): void {
    this.#mode = this.#mode === 'threshold' ? 'probability' : 'threshold';
  }
  setShowPrediction(show: boolean): void {
    this.#showPrediction = show;
  }
  setShowCorrections(show: boolean): void {
    this.#showCorrections = show;
  }
  setMode(mode: OverlayStyle['mode']): void {
    this.#mode = mode;
  }
  setThreshold(value: number): void {
    this.#threshold = Math.min(255, Math.max(0, Math.round(value)));
  }
  setOpacity(value: number): void {
    this.#opacity = Math.min(1, Math.max(0, value));
  }
  /** How strongly the corrections cover the image, 0–1. */
  setCorrectionOpacity(value: number): void {
    this.#correctionOpacity = Math.min(1, Math.max(0, value));
  }
  setColormap(colormap: OverlayStyle['colormap']): void {
    this.#colormap = colormap;
  }
}
