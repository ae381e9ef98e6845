const LEVELS = 256;

/**
 * Seeded watershed by flooding (Meyer 1991; Beucher & Meyer 1993), in place: pixels of `labels`
 * that are 0 take the label of the seeded basin that reaches them first as the water rises over
 * `relief` (0..255, here membrane probability), so basins meet on the ridges. 4-connected, like
 * ISBI segments. Every pixel connected to a seed is labelled; there are no watershed lines yet
 * (drawWatershedLines adds them). A bucket queue, one FIFO per level, makes it linear: a pixel
 * is queued once, at the higher of its own level and the level being flooded, and first-in
 * first-out within a level grows basins evenly across flat ground.
 */
export function floodBasins(relief: Uint8Array, labels: Int32Array, width: number, height: number): void {
  const n = width * height;
  if (relief.length !== n || labels.length !== n) {
    throw new RangeError(`floodBasins: relief (${relief.length}) and labels (${labels.length}) must both hold ${width} × ${height} pixels.`);
  }
  const head = new Int32Array(LEVELS).fill(-1);
  const tail = new Int32Array(LEVELS).fill(-1);
  const next = new Int32Array(n);
  const push = (pixel: number, level: number): void => {
    next[pixel] = -1;
    if (head[level] === -1) head[level] = pixel;
    else next[tail[level]!] = pixel;
    tail[level] = pixel;
  };
  for (let i = 0; i < n; i++) if (labels[i]! > 0) push(i, relief[i]!);

  for (let level = 0; level < LEVELS; ) {
    const pixel = head[level]!;
    if (pixel === -1) {
      level++;
      continue;
    }
    head[level] = next[pixel]!;
    const label = labels[pixel]!;
    const x = pixel % width;
    if (x > 0 && labels[pixel - 1] === 0) {
      labels[pixel - 1] = label;
      push(pixel - 1, Math.max(level, relief[pixel - 1]!));
    }
    if (x < width - 1 && labels[pixel + 1] === 0) {
      labels[pixel + 1] = label;
      push(pixel + 1, Math.max(level, relief[pixel + 1]!));
    }
    if (pixel >= width && labels[pixel - width] === 0) {
      labels[pixel - width] = label;
      push(pixel - width, Math.max(level, relief[pixel - width]!));
    }
    if (pixel < n - width && labels[pixel + width] === 0) {
      labels[pixel + width] = label;
      push(pixel + width, Math.max(level, relief[pixel + width]!));
    }
  }
}
