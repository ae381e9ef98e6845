import type { CallArgs, CallName, FilePayload, SegmentOperation, VoxelSize } from './contract.js';
import { array, boolean, index, literal, none, number, object, optional, string, tagged, uint32Array, type Shape } from './shapes.js';

/** ArrayBuffer (transferred binary), as FilePayload carries. */
const arrayBuffer = (): Shape<ArrayBuffer> => ({
  check: (value, path) => (value instanceof ArrayBuffer ? null : `${path} must be binary data (an ArrayBuffer)`),
});

const projectId = string;
const point = object({ x: number(), y: number() });
const file: Shape<FilePayload> = object({ name: string(), data: arrayBuffer() });
const voxelSize: Shape<VoxelSize> = object({ x: number(), y: number(), z: number(), unit: string() });

const operation: Shape<SegmentOperation> = tagged<SegmentOperation>({
  merge: object({ kind: literal('merge'), keep: index(), remove: index() }),
  splitLine: object({ kind: literal('splitLine'), z: index(), line: array(point, 100_000) }),
  splitSeeds: object({ kind: literal('splitSeeds'), id: index(), seeds: array(object({ x: number(), y: number(), z: number() }), 10_000) }),
  delete: object({ kind: literal('delete'), id: index() }),
  relabel: object({ kind: literal('relabel'), id: index() }),
});

/**
 * The shape of every call's arguments, checked before its handler runs, so a malformed call
 * (from a buggy UI or a hostile socket) gets BAD_ARGUMENTS naming the field instead of reaching
 * engine code. `satisfies` makes the compiler hold this table to `EngineCalls`.
 */
export const CALL_SHAPES = {
  hello: none(),
  openSample: none(),
  openPath: object({ path: string() }),
  openFiles: object({ files: array(file, 100_000) }),
  getSlice: object({ volumeId: string(), z: index() }),
  getTile: object({ volumeId: string(), level: index(), z: index(), tx: index(), ty: index() }),
  closeVolume: object({ volumeId: string() }),
  openLabels: object({ volumeId: string(), path: string() }),
  backend: none(),
  diagnostics: none(),
  newProject: object({ volumeId: string(), dir: string(), name: optional(string()) }),
  openProject: object({ dir: string() }),
  projectInfo: object({ projectId: projectId() }),
  recentProjects: none(),
  forgetRecentProject: object({ dir: string() }),
  closeProject: object({ projectId: projectId() }),
  getOverlay: object({ projectId: projectId(), z: index() }),
  predict: object({ projectId: projectId(), first: index(), last: index(), tta: optional(boolean()) }),
  paint: object({ projectId: projectId(), z: index(), indices: uint32Array(), value: literal(0, 1, 2), tool: string() }),
  undo: object({ projectId: projectId() }),
  redo: object({ projectId: projectId() }),
  setValidation: object({ projectId: projectId(), z: index(), on: boolean() }),
  fineTune: object({ projectId: projectId(), steps: index() }),
  evaluate: object({ projectId: projectId() }),
  setActiveModel: object({ projectId: projectId(), version: string() }),
  exportModel: object({ projectId: projectId(), version: string(), dir: string() }),
  importModel: object({ projectId: projectId(), dir: string(), note: optional(string()) }),
  reviewQueue: object({ projectId: projectId(), limit: index() }),
  setVoxelSize: object({ projectId: projectId(), voxelSize }),
  importSegmentation: object({ projectId: projectId(), path: string() }),
  segment: object({ projectId: projectId(), linkThreshold: optional(number()) }),
  segmentation: object({ projectId: projectId() }),
  getSegmentSlice: object({ projectId: projectId(), z: index() }),
  editSegments: object({ projectId: projectId(), operation }),
  undoSegments: object({ projectId: projectId() }),
  redoSegments: object({ projectId: projectId() }),
  listSegments: object({ projectId: projectId() }),
  setSegmentNote: object({ projectId: projectId(), id: index(), note: string(), tags: array(string(), 1000) }),
  getMeshes: object({ projectId: projectId(), ids: array(index(), 1_000_000) }),
  exportMeshes: object({
    projectId: projectId(),
    ids: array(index(), 1_000_000),
    dir: string(),
    format: literal('obj', 'stl', 'ply', 'glb', 'precomputed'),
    units: literal('nm', 'um'),
    scene: boolean(),
  }),
} satisfies { [K in CallName]: Shape<CallArgs<K>> };

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(CALL_SHAPES, name);
}

/** Null when `args` fit the call; else what is wrong, e.g. `openPath: args.path must be a string, not null`. */
export function checkCallArgs(method: CallName, args: unknown): string | null {
  const problem = (CALL_SHAPES[method] as { check: Shape<unknown>['check'] }).check(args, 'args');
  return problem ? `${method}: ${problem}` : null;
}
