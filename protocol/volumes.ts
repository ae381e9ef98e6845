/** Volumes: opening image stacks (files, dropped bytes, OME-Zarr read tile by tile), slices and tiles. */
import type { VoxelSize, VoxelType } from './vocabulary.js';

/** What every open volume has: where it came from, how big it is and how to show it. */
interface VolumeBase {
  id: string;
  /** Short display name (file or folder name). */
  name: string;
  /** Full path on the engine's machine, or the dropped file's name. */
  source: string;
  /** What the file was: 'TIFF (LZW, 16-bit)', 'PNG folder', ... */
  format: string;
  width: number;
  height: number;
  depth: number;
  dtype: VoxelType;
  voxelSize: VoxelSize;
  /** Smallest and largest voxel value in the volume. */
  range: { min: number; max: number };
  /** Suggested display window (0.1st–99.9th percentile for 16-bit and float, full range for 8-bit). */
  window: { low: number; high: number };
}

/** A stack read whole into the engine's memory (TIFF, PNG, JPEG, dropped files): viewed slice by slice (getSlice). */
export interface MemoryVolumeInfo extends VolumeBase {
  kind: 'memory';
}

/**
 * A volume read lazily from chunked storage (OME-Zarr), which may be far larger than memory:
 * viewed tile by tile (getTile) at the scale the zoom needs.
 */
export interface TiledVolumeInfo extends VolumeBase {
  kind: 'tiled';
  /** The scales, finest first (level 0 is width × height × depth). */
  levels: VolumeLevel[];
  /** The edge of the square tiles getTile serves, at every scale. */
  tileSize: number;
  /**
   * 'image': grey levels under the display window; 'labels': a label image (neuron ids, an NGFF
   * image-label or a segmentation), drawn in segment colours, with no display window of its own.
   */
  content: 'image' | 'labels';
  /** Names of the label images an OME-Zarr image holds under labels/ (openLabels opens one); empty when none. */
  labels: string[];
}

/** An open volume: held in memory, or read by tiles. Narrow on `kind`. */
export type VolumeInfo = MemoryVolumeInfo | TiledVolumeInfo;

/** One scale of a multiscale volume. */
export interface VolumeLevel {
  width: number;
  height: number;
  depth: number;
  /** Finest-level voxels per voxel of this level, along x, y and z. */
  factor: { x: number; y: number; z: number };
}

/** A square piece of one slice of one scale (smaller at the right and bottom edges). */
export interface Tile {
  volumeId: string;
  level: number;
  /** The slice at this level's z. */
  z: number;
  tx: number;
  ty: number;
  width: number;
  height: number;
  dtype: VoxelType;
  data: ArrayBuffer;
}

/** One z-slice of raw voxel values, row-major. `data` travels as a binary buffer, never as JSON. */
export interface Slice {
  volumeId: string;
  z: number;
  width: number;
  height: number;
  dtype: VoxelType;
  data: ArrayBuffer;
}

/** A dropped or picked file, sent as bytes (serve mode cannot see the browser's file system). */
export interface FilePayload {
  /** File name, with the folder path relative to a dropped folder where there is one. */
  name: string;
  data: ArrayBuffer;
}

/** The volumes calls: each call's arguments and result (see EngineCalls). */
export interface VolumeCalls {
  openSample: { args: Record<string, never>; result: VolumeInfo };
  openPath: { args: { path: string }; result: VolumeInfo };
  openFiles: { args: { files: FilePayload[] }; result: VolumeInfo };
  getSlice: { args: { volumeId: string; z: number }; result: Slice };
  /** A tile of a tiled volume (see TiledVolumeInfo.levels); only the chunks it covers are read. */
  getTile: { args: { volumeId: string; level: number; z: number; tx: number; ty: number }; result: Tile };
  closeVolume: { args: { volumeId: string }; result: null };
  /**
   * Opens a label image (uint32 neuron ids as OME-Zarr: a block-wise segmentation, or one of
   * TiledVolumeInfo.labels by name) to show over an open volume of the same size; read tile by
   * tile (getTile, closeVolume).
   */
  openLabels: { args: { volumeId: string; path: string }; result: TiledVolumeInfo };
}
