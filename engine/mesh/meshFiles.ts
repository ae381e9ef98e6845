import { exportGlb } from './exportGlb.js';
import { exportObj, type MeshExportOptions } from './exportObj.js';
import { exportPly } from './exportPly.js';
import { exportStl } from './exportStl.js';
import type { Mesh } from './Mesh.js';

/** Mesh file formats that hold one neuron or a scene of them. */
export type MeshFileFormat = 'obj' | 'stl' | 'ply' | 'glb';

export const MESH_FILE_FORMATS: readonly MeshFileFormat[] = ['obj', 'stl', 'ply', 'glb'];

const EXPORTERS: Record<MeshFileFormat, (meshes: ReadonlyMap<number, Mesh>, options: MeshExportOptions) => Uint8Array> = {
  obj: exportObj,
  stl: exportStl,
  ply: exportPly,
  glb: exportGlb,
};

export interface MeshFilesOptions extends MeshExportOptions {
  /** One file with every neuron (`<name>.<format>`) instead of one per neuron (`neuron-<id>.<format>`). */
  scene?: boolean;
  /** Base name of the scene file (default 'neurons'). */
  name?: string;
}

/** The files of an export by file name: one per neuron with triangles, or one scene file. */
export function meshFiles(meshes: ReadonlyMap<number, Mesh>, format: MeshFileFormat, options: MeshFilesOptions = {}): Map<string, Uint8Array> {
  const exporter = EXPORTERS[format];
  if (!exporter) throw new RangeError(`Mesh file format must be one of ${MESH_FILE_FORMATS.join(', ')}, not "${String(format)}".`);
  const kept = new Map([...meshes].filter(([, mesh]) => mesh.indices.length > 0));
  if (options.scene) return new Map([[`${options.name ?? 'neurons'}.${format}`, exporter(kept, options)]]);
  return new Map([...kept].map(([id, mesh]) => [`neuron-${id}.${format}`, exporter(new Map([[id, mesh]]), options)]));
}
