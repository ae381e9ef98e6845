/** Neurons: segmenting the membranes, proofreading segments (merge, split, delete, notes) with undo, meshes and their export. */

/** A neuron (3D segment) as the segment list shows it. */
export interface SegmentInfo {
  id: number;
  voxels: number;
  /** Physical volume, µm³ (from the voxel size). */
  volumeUm3: number;
  /** Slices it appears in, and the first and last. */
  slices: number;
  firstSlice: number;
  lastSlice: number;
  /** Where to look: the centre of its bounding box in its first slice. */
  centre: { x: number; y: number };
  note: string;
  tags: string[];
}

/** The segmentation of a project: none yet, or its run and undo state. */
export interface SegmentationInfo {
  count: number;
  created: string;
  model: string;
  seconds: number;
  canUndo: boolean;
  canRedo: boolean;
}

/** One slice of neuron ids (0 = boundary). */
export interface SegmentSlice {
  z: number;
  width: number;
  height: number;
  ids: Uint32Array;
}

/** A proofreading operation on the segments. */
export type SegmentOperation =
  | { kind: 'merge'; keep: number; remove: number }
  | { kind: 'splitLine'; z: number; line: { x: number; y: number }[] }
  | { kind: 'splitSeeds'; id: number; seeds: { x: number; y: number; z: number }[] }
  | { kind: 'delete'; id: number }
  | { kind: 'relabel'; id: number };

/** What a segment edit changed: voxel indices (into the volume) and their new ids, plus the new state. */
export interface SegmentEditResult {
  indices: Uint32Array;
  ids: Uint32Array;
  /** Ids whose voxels changed (meshes to rebuild). */
  touched: number[];
  segmentation: SegmentationInfo;
}

/** A neuron's surface, positions in nanometres. */
export interface NeuronMesh {
  id: number;
  positions: Float32Array;
  indices: Uint32Array;
}

export type MeshFormat = 'obj' | 'stl' | 'ply' | 'glb' | 'precomputed';

/** The neurons calls: each call's arguments and result (see EngineCalls). */
export interface NeuronCalls {
  /**
   * Makes a segmentation made elsewhere (a uint label OME-Zarr of the project's size, such as
   * `membrana segment` writes) the project's neurons, to proofread; the one it replaces is archived.
   */
  importSegmentation: { args: { projectId: string; path: string }; result: SegmentationInfo };
  /** Segments the stack into neurons (predicting unpredicted slices first); replaces the segmentation and its edits. */
  segment: { args: { projectId: string; linkThreshold?: number }; result: SegmentationInfo };
  segmentation: { args: { projectId: string }; result: SegmentationInfo | null };
  getSegmentSlice: { args: { projectId: string; z: number }; result: SegmentSlice | null };
  editSegments: { args: { projectId: string; operation: SegmentOperation }; result: SegmentEditResult | null };
  undoSegments: { args: { projectId: string }; result: SegmentEditResult | null };
  redoSegments: { args: { projectId: string }; result: SegmentEditResult | null };
  listSegments: { args: { projectId: string }; result: SegmentInfo[] };
  setSegmentNote: { args: { projectId: string; id: number; note: string; tags: string[] }; result: null };
  /** Surfaces of these neurons (built in the engine, cached until they change), decimated for display. */
  getMeshes: { args: { projectId: string; ids: number[] }; result: NeuronMesh[] };
  /** Writes meshes of these neurons (all when ids is empty) to dir; returns the files written. */
  exportMeshes: { args: { projectId: string; ids: number[]; dir: string; format: MeshFormat; units: 'nm' | 'um'; scene: boolean }; result: { files: string[] } };
}
