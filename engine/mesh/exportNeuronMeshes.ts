import { throwIfCancelled } from '../base/cancellation.js';
import { exportPrecomputed, type Segmentation } from './exportPrecomputed.js';
import { triangleCount } from './Mesh.js';
import { MeshExportError } from './MeshExportError.js';
import { meshFiles, type MeshFileFormat } from './meshFiles.js';
import { meshNeurons, type MeshNeuronsOptions } from './meshNeuron.js';
import type { LengthUnit } from './meshUnits.js';
import { checkOutputFolder, writeFolderAtomic } from './writeFolderAtomic.js';

export type NeuronExportFormat = MeshFileFormat | 'precomputed';

export interface ExportNeuronMeshesOptions extends MeshNeuronsOptions {
  format: NeuronExportFormat;
  /** Units of the mesh files (default 'nm'); precomputed is always nanometres. */
  units?: LengthUnit;
  /** One scene file instead of one file per neuron (not for precomputed, which is always one folder). */
  scene?: boolean;
  /** Base name of the scene file (default 'neurons'). */
  name?: string;
}

export interface NeuronExportSummary {
  neurons: number;
  triangles: number;
  /** Every file written. */
  files: string[];
}

/**
 * Meshes the neurons of a segmentation and writes them under `folder`: mesh files (one per
 * neuron, or one scene) into it, or a Neuroglancer precomputed dataset as it. The folder is
 * checked before the work starts, and written atomically (writeFolderAtomic) after it, so a
 * failure or a cancel leaves nothing behind.
 */
export async function exportNeuronMeshes(segmentation: Segmentation, folder: string, options: ExportNeuronMeshesOptions): Promise<NeuronExportSummary> {
  const precomputed = options.format === 'precomputed';
  if (precomputed && process.platform === 'win32') {
    throw new MeshExportError('WRITE_FAILED', 'Neuroglancer precomputed meshes cannot be written on Windows: their manifests are named "<id>:0", and Windows file names cannot hold a colon.', { file: folder, hint: 'Export the precomputed dataset on Linux or macOS (or into WSL), or choose glb, obj, ply or stl.' });
  }
  if (precomputed && options.units !== undefined && options.units !== 'nm') throw new RangeError(`Precomputed meshes are always in nanometres, as Neuroglancer reads them; leave out units "${options.units}".`);
  await checkOutputFolder(folder, precomputed ? 'whole' : 'merge');
  const meshes = await meshNeurons(segmentation.ids, segmentation.width, segmentation.height, segmentation.depth, segmentation.voxelSize, options);
  if (meshes.size === 0) {
    const asked = options.ids ? `none of the neurons ${options.ids.join(', ')}` : 'no neuron (every voxel is 0)';
    throw new MeshExportError('NO_NEURONS', `The segmentation holds ${asked}, so there is nothing to export.`, { file: folder, hint: options.ids ? 'Check the ids against the segmentation (0 is boundary, never a neuron).' : 'Open the segmentation (neuron ids), not a membrane prediction or an empty stack.' });
  }
  throwIfCancelled(options.signal, 'Meshing');
  const files = precomputed ? exportPrecomputed(segmentation, meshes) : meshFiles(meshes, options.format as MeshFileFormat, options);
  const written = await writeFolderAtomic(folder, files, { mode: precomputed ? 'whole' : 'merge' });
  let triangles = 0;
  for (const mesh of meshes.values()) triangles += triangleCount(mesh);
  return { neurons: meshes.size, triangles, files: written };
}
