/** Projects: making, opening and closing them, their overlays, correction edits with undo, validation slices, voxel size and the review queue. */
import type { ModelVersionInfo } from './models.js';
import type { LabelValue, VoxelSize } from './vocabulary.js';
import type { VolumeInfo } from './volumes.js';

/** An open project: a folder with the image, the corrections journal, predictions and model versions. */
export interface ProjectInfo {
  id: string;
  dir: string;
  name: string;
  /** The project's image; its slices come from getSlice with volume.id. */
  volume: VolumeInfo;
  activeModel: string;
  models: ModelVersionInfo[];
  /** Slices with a stored prediction of the active model. */
  predicted: number[];
  /** Slices with corrections, and those of them held out for validation. */
  labelledSlices: number[];
  validationSlices: number[];
  canUndo: boolean;
  canRedo: boolean;
  /** Set when opening repaired the journal after a crash mid-write (what was dropped was never shown). */
  repaired?: string;
}

export interface RecentProject {
  dir: string;
  name: string;
  /** ISO time it was last opened. */
  opened: string;
  /** The folder or its project.json is gone (moved, deleted, or on a drive not mounted now). */
  missing: boolean;
}

/** A slice's layers for the overlay: the active model's prediction (null until predicted) and the corrections. */
export interface OverlaySlice {
  z: number;
  width: number;
  height: number;
  /** Membrane probability 0–255 (255 = membrane), or null when this slice is not predicted. */
  prediction: Uint8Array | null;
  /**
   * Correction labels (LABEL values), width × height; empty (length 0) when the slice has none,
   * so browsing unlabelled slices of a big volume sends no zeros (the UI makes its own).
   */
  labels: Uint8Array;
}

/** Pixels whose correction label changed, for the UI to apply to its copy; with the new undo state. */
export interface LabelChange {
  z: number;
  indices: Uint32Array;
  values: Uint8Array;
}

export interface EditResult {
  change: LabelChange | null;
  canUndo: boolean;
  canRedo: boolean;
  labelledSlices: number[];
}

/** A stretch of the stack worth a look: where the model is least sure. */
export interface ReviewTile {
  z: number;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Mean binary entropy of the membrane probability over the tile (0–1). */
  score: number;
}

/** The projects calls: each call's arguments and result (see EngineCalls). */
export interface ProjectCalls {
  /** Makes a project folder from an open volume (copying the image and the shipped model) and opens it. */
  newProject: { args: { volumeId: string; dir: string; name?: string }; result: ProjectInfo };
  openProject: { args: { dir: string }; result: ProjectInfo };
  /** The open project's info as it is now (after the engine predicted or trained on its own), without reopening it. */
  projectInfo: { args: { projectId: string }; result: ProjectInfo };
  recentProjects: { args: Record<string, never>; result: RecentProject[] };
  /** Takes a folder off the recent list (the folder itself is left alone); the list as it is now. */
  forgetRecentProject: { args: { dir: string }; result: RecentProject[] };
  closeProject: { args: { projectId: string }; result: null };
  getOverlay: { args: { projectId: string; z: number }; result: OverlaySlice };
  /** Sets these pixels of slice z to a label; journaled (fsynced) before it resolves. */
  paint: { args: { projectId: string; z: number; indices: Uint32Array; value: LabelValue; tool: string }; result: EditResult };
  undo: { args: { projectId: string }; result: EditResult };
  redo: { args: { projectId: string }; result: EditResult };
  setValidation: { args: { projectId: string; z: number; on: boolean }; result: ProjectInfo };
  /** Tiles of the predicted slices ranked by the model's uncertainty, most uncertain first. */
  reviewQueue: { args: { projectId: string; limit: number }; result: ReviewTile[] };
  /** Sets the project's physical voxel size (nm), used for segment volumes, linking and meshes. */
  setVoxelSize: { args: { projectId: string; voxelSize: VoxelSize }; result: ProjectInfo };
}
