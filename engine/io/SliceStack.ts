import type { VoxelSize, VoxelType } from '../../protocol/contract.js';
import type { Volume, VoxelArray } from './Volume.js';
import { allocateVoxels, describeVoxelType, pixelVoxelSize } from './Volume.js';
import { HINTS, VolumeReadError } from './VolumeReadError.js';

const WIDTH_ORDER: VoxelType[] = ['uint8', 'uint16', 'float32'];

/**
 * Builds one volume from single-slice images, added in z order (a folder of PNG/TIFF slices,
 * or many dropped files). All slices must share width and height; mixed types are widened to
 * the widest one (8-bit values stay the same numbers in a 16-bit stack). Memory: the stack plus
 * one slice, except when a wider slice forces one conversion of the slices so far.
 */
export class SliceStack {
  private data: VoxelArray | undefined;
  private first: Volume | undefined;
  private added = 0;
  private readonly types = new Set<VoxelType>();
  private readonly formats = new Set<string>();
  private voxelSize: VoxelSize | undefined;

  /**
   * @param count how many slices will be added
   * @param where the folder or drop, for messages and `Volume.format` ('folder' or 'files')
   */
  constructor(
    private readonly count: number,
    private readonly where: { name: string; source: string; kind: 'folder' | 'files' },
  ) {}

  add(slice: Volume): void {
    if (slice.depth !== 1) {
      throw new VolumeReadError(
        'UNSUPPORTED',
        `${slice.source} holds ${slice.depth} slices, but each image in a stack of slices must hold one.`,
        { file: slice.source, hint: `Open ${slice.name} on its own, or save its pages as separate images.` },
      );
    }
    const first = (this.first ??= slice);
    if (slice.width !== first.width || slice.height !== first.height) {
      throw new VolumeReadError(
        'SIZE_MISMATCH',
        `${slice.source} is ${slice.width} × ${slice.height} pixels, but ${first.source} is ${first.width} × ${first.height}; all slices must have the same size.`,
        { file: slice.source, hint: HINTS.sameSize },
      );
    }
    const pixels = first.width * first.height;
    if (!this.data) this.data = this.allocate(slice.dtype, pixels * this.count, slice.source);
    if (WIDTH_ORDER.indexOf(slice.dtype) > WIDTH_ORDER.indexOf(this.dtype())) {
      const wider = this.allocate(slice.dtype, pixels * this.count, slice.source);
      wider.set(this.data.subarray(0, pixels * this.added));
      this.data = wider;
    }
    this.data.set(slice.data, pixels * this.added);
    this.added++;
    this.types.add(slice.dtype);
    this.formats.add(slice.format.split(' ')[0]!);
    if (!this.voxelSize && slice.voxelSize.unit !== 'px') this.voxelSize = slice.voxelSize;
  }

  /** The stack, once every slice has been added. */
  finish(): Volume {
    if (!this.first || !this.data || this.added !== this.count) {
      throw new Error(`SliceStack: ${this.added} of ${this.count} slices were added`);
    }
    const dtype = this.dtype();
    const formats = [...this.formats].join('+');
    const types = this.types.size > 1 ? `mixed ${[...this.types].map(describeVoxelType).join('/')} as ${describeVoxelType(dtype)}` : describeVoxelType(dtype);
    return {
      name: this.where.name,
      source: this.where.source,
      format: `${formats} ${this.where.kind} (${this.count} slices, ${types})`,
      width: this.first.width,
      height: this.first.height,
      depth: this.count,
      dtype,
      data: this.data,
      voxelSize: this.voxelSize ?? pixelVoxelSize(),
    };
  }

  private dtype(): VoxelType {
    const data = this.data;
    return data instanceof Uint8Array ? 'uint8' : data instanceof Uint16Array ? 'uint16' : 'float32';
  }

  private allocate(dtype: VoxelType, length: number, file: string): VoxelArray {
    try {
      return allocateVoxels(dtype, length);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      const { width, height } = this.first!;
      throw new VolumeReadError(
        'TOO_LARGE',
        `${this.where.source} is too large to open: ${width} × ${height} × ${this.count} voxels of ${describeVoxelType(dtype)} (while reading ${file}).`,
        { file, hint: HINTS.tooLarge, cause: error },
      );
    }
  }
}
