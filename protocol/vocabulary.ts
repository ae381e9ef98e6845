/** The shared vocabulary of the contract: voxel types and sizes, correction label values, progress and the wire form of errors. The engine's libraries import these too. */

export type VoxelType = 'uint8' | 'uint16' | 'uint32' | 'float32';

/** Physical size of one voxel. `unit` is 'px' when the file does not say. */
export interface VoxelSize {
  x: number;
  y: number;
  z: number;
  unit: string;
}

/** Correction label values per pixel. */
export const LABEL = { unlabelled: 0, membrane: 1, cell: 2 } as const;
export type LabelValue = (typeof LABEL)[keyof typeof LABEL];

export interface Progress {
  stage: string;
  fraction: number | null;
  /** Estimated seconds left, when known. */
  etaSeconds?: number;
  /** Training figures, while a model trains. */
  training?: { step: number; steps: number; loss: number; pxPerS: number };
}

/** An error as it crosses the boundary: what failed, with which file, and what to do. */
export interface ErrorInfo {
  /** Stable machine-readable code, e.g. 'ENOENT', 'TRUNCATED', 'NOT_AN_IMAGE', 'CANCELLED'. */
  code: string;
  message: string;
  file?: string;
  /** The files, when the error is about several (a prediction and its labels). */
  files?: string[];
  hint?: string;
}
