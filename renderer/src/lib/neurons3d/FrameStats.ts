/** Median, 95th percentile and mean of a list of times in ms. */
export interface TimeSummary {
  median: number;
  p95: number;
  mean: number;
  count: number;
}

export interface FrameStatsSnapshot {
  /** Time between consecutive frames while the view kept changing (ms): what the user feels. */
  intervals: number[];
  /** Time spent in the render call on the CPU (ms): JavaScript and WebGL command submission. */
  renderTimes: number[];
  intervalSummary: TimeSummary;
  renderSummary: TimeSummary;
  /** Frames per second from the median interval (0 with no intervals yet). */
  fps: number;
  /** Draw calls and triangles of the last frame. */
  drawCalls: number;
  triangles: number;
  /** Neurons drawn with their full mesh in the last frame. */
  detailedNeurons: number;
  /** The pixel ratio the last frame was drawn at (lower than the device's while moving, if slow). */
  pixelRatio: number;
}

/** A gap longer than this (ms) means the view was idle in between: not a frame interval. */
const IDLE_GAP_MILLISECONDS = 250;

/** The last `capacity` frames' times, for the benchmark and for tuning the triangle budget. */
export class FrameStats {
  readonly #capacity: number;
  #intervals: number[] = [];
  #renderTimes: number[] = [];
  #lastFrameAt: number | null = null;
  drawCalls = 0;
  triangles = 0;
  detailedNeurons = 0;
  pixelRatio = 1;

  constructor(capacity = 600) {
    this.#capacity = capacity;
  }

  /** A frame that started at `startedAt` (ms) and spent `renderMilliseconds` in render. */
  record(startedAt: number, renderMilliseconds: number): void {
    if (this.#lastFrameAt !== null && startedAt - this.#lastFrameAt <= IDLE_GAP_MILLISECONDS) {
      push(this.#intervals, startedAt - this.#lastFrameAt, this.#capacity);
    }
    this.#lastFrameAt = startedAt;
    push(this.#renderTimes, renderMilliseconds, this.#capacity);
  }

  clear(): void {
    this.#intervals = [];
    this.#renderTimes = [];
    this.#lastFrameAt = null;
  }

  snapshot(): FrameStatsSnapshot {
    const intervalSummary = summarize(this.#intervals);
    return {
      intervals: [...this.#intervals],
      renderTimes: [...this.#renderTimes],
      intervalSummary,
      renderSummary: summarize(this.#renderTimes),
      fps: intervalSummary.median > 0 ? 1000 / intervalSummary.median : 0,
      drawCalls: this.drawCalls,
      triangles: this.triangles,
      detailedNeurons: this.detailedNeurons,
      pixelRatio: this.pixelRatio,
    };
  }
}

export function summarize(times: readonly number[]): TimeSummary {
  if (times.length === 0) return { median: 0, p95: 0, mean: 0, count: 0 };
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: at(0.5), p95: at(0.95), mean: sorted.reduce((sum, t) => sum + t, 0) / sorted.length, count: sorted.length };
}

function push(list: number[], value: number, capacity: number): void {
  list.push(value);
  if (list.length > capacity) list.splice(0, list.length - capacity);
}
