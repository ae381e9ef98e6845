import { blendRamp, layoutAxis, mirrorIndex, type AxisLayout } from './tileLayout.js';

/** How a slice is cut into tiles and how many tiles go through the network at once. */
export interface TilingOptions {
  /** Largest tile edge (pixels); memory is bounded by this, not by the slice size. */
  maxTile: number;
  /** Context each tile has beyond the part of it that counts fully. */
  overlap: number;
  /** Tile sizes must be multiples of this (2^(levels-1) for the U-Net). */
  multiple: number;
  /** Tiles per forward pass. */
  batch?: number;
}

/**
 * One slice's tiled prediction, split into groups of tiles (one forward pass each): `gather`
 * copies a group's mirror-padded tiles out of the slice, `blend` adds the network's output for
 * them with linear ramps (no seams), `result` divides by the summed weights. Whoever runs the
 * network (this thread or a worker) the arithmetic here is the same, and blending groups in
 * order gives the same bytes.
 */
export class SliceTiling {
  readonly x: AxisLayout;
  readonly y: AxisLayout;
  /** Tiles per forward pass. */
  readonly batch: number;
  /** Tile origins [oy, ox] in padded coordinates, row by row. */
  private readonly origins: [number, number][] = [];
  private readonly rampX: Float32Array;
  private readonly rampY: Float32Array;
  private readonly sum: Float32Array;
  private readonly weight: Float32Array;

  constructor(
    readonly width: number,
    readonly height: number,
    options: TilingOptions,
  ) {
    this.x = layoutAxis(width, options.maxTile, options.overlap, options.multiple);
    this.y = layoutAxis(height, options.maxTile, options.overlap, options.multiple);
    this.batch = Math.max(1, options.batch ?? 1);
    for (const oy of this.y.origins) for (const ox of this.x.origins) this.origins.push([oy, ox]);
    this.rampX = blendRamp(this.x.tile, options.overlap);
    this.rampY = blendRamp(this.y.tile, options.overlap);
    this.sum = new Float32Array(width * height);
    this.weight = new Float32Array(width * height);
  }

  /** Tiles in the slice. */
  get tiles(): number {
    return this.origins.length;
  }

  /** Forward passes (groups of up to `batch` tiles) in the slice. */
  get groups(): number {
    return Math.ceil(this.origins.length / this.batch);
  }

  /** Tiles in group `g`. */
  groupSize(g: number): number {
    return this.group(g).length;
  }

  /** Tiles done once groups 0..g are done. */
  tilesThrough(g: number): number {
    return Math.min((g + 1) * this.batch, this.origins.length);
  }

  /** The tiles of group `g`, as [tiles, tile height, tile width] float32, mirrored at the borders. */
  gather(input: Float32Array, g: number): Float32Array {
    const { width, height, x: lx, y: ly } = this;
    const tileSize = ly.tile * lx.tile;
    const group = this.group(g);
    const data = new Float32Array(group.length * tileSize);
    group.forEach(([oy, ox], t) => {
      // Padded coordinate p maps to image coordinate p - before, mirrored into range.
      for (let ty = 0; ty < ly.tile; ty++) {
        const sy = mirrorIndex(oy + ty - ly.before, height) * width;
        const row = t * tileSize + ty * lx.tile;
        for (let tx = 0; tx < lx.tile; tx++) data[row + tx] = input[sy + mirrorIndex(ox + tx - lx.before, width)]!;
      }
    });
    return data;
  }

  /** Adds the network's output for group `g`. Blend groups in order for reproducible bytes. */
  blend(g: number, probabilities: Float32Array): void {
    const { width, height, x: lx, y: ly, rampX, rampY, sum, weight } = this;
    const tileSize = ly.tile * lx.tile;
    this.group(g).forEach(([oy, ox], t) => {
      for (let ty = 0; ty < ly.tile; ty++) {
        const iy = oy + ty - ly.before;
        if (iy < 0 || iy >= height) continue;
        for (let tx = 0; tx < lx.tile; tx++) {
          const ix = ox + tx - lx.before;
          if (ix < 0 || ix >= width) continue;
          const w = rampY[ty]! * rampX[tx]!;
          const i = iy * width + ix;
          sum[i] = sum[i]! + w * probabilities[t * tileSize + ty * lx.tile + tx]!;
          weight[i] = weight[i]! + w;
        }
      }
    });
  }

  /** The blended probabilities, width × height; call once, after every group is blended. */
  result(): Float32Array {
    const { sum, weight } = this;
    for (let i = 0; i < sum.length; i++) sum[i] = sum[i]! / weight[i]!;
    return sum;
  }

  private group(g: number): [number, number][] {
    if (!(g >= 0 && g < this.groups)) throw new Error(`Tile group ${g} is out of range (the slice has ${this.groups}).`);
    return this.origins.slice(g * this.batch, (g + 1) * this.batch);
  }
}
