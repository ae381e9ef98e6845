import path from 'node:path';
import type { EngineHandlers } from '../../protocol/contract.js';
import { readVolume, readVolumeFromFiles } from '../io/readVolume.js';
import { CallError } from './CallError.js';
import { isOmeZarrFolder } from './lazyVolume.js';
import type { VolumeRegistry } from './VolumeRegistry.js';

/** The calls of the contract on plain volumes (no project). */
export type VolumeHandlers = Pick<EngineHandlers, 'openSample' | 'openPath' | 'openFiles' | 'getSlice' | 'getTile' | 'openLabels' | 'closeVolume'>;

/** Relative path of the built-in sample inside `assets/`. */
export const SAMPLE_PATH = path.join('sample', 'isbi2012-test-crop.tif');

/** The volume calls, over the engine's one registry of open volumes; `assetsDir` holds `sample/`. */
export function volumeCalls(volumes: VolumeRegistry, assetsDir: string): VolumeHandlers {
  return {
    openSample: async () => volumes.add(await readVolume(path.join(assetsDir, SAMPLE_PATH)), 'ISBI 2012 sample'),
    openPath: async ({ path: target }) => {
      if (typeof target !== 'string' || target.trim() === '') {
        throw new CallError('BAD_ARGUMENT', 'No path given to open.', { hint: 'Type the path of a TIFF file, a PNG image or a folder of PNG slices.' });
      }
      const resolved = path.resolve(target.trim());
      // OME-Zarr is read lazily, tile by tile: it may be far larger than memory.
      if (isOmeZarrFolder(resolved)) return volumes.openOmeZarr(resolved);
      return volumes.add(await readVolume(resolved));
    },
    openFiles: async ({ files }) => {
      if (!Array.isArray(files) || files.length === 0) {
        throw new CallError('BAD_ARGUMENT', 'No files were given to open.', { hint: 'Drop a TIFF stack, an image, or a folder of PNG slices.' });
      }
      return volumes.add(readVolumeFromFiles(files.map((f) => ({ name: f.name, data: new Uint8Array(f.data) }))));
    },
    getSlice: async ({ volumeId, z }) => volumes.slice(volumeId, z),
    getTile: async ({ volumeId, level, z, tx, ty }, context) => volumes.tile(volumeId, level, z, tx, ty, context.signal),
    openLabels: async ({ volumeId, path: target }) => {
      const volume = volumes.info(volumeId);
      if (!volume) throw new CallError('NO_SUCH_VOLUME', `Volume ${volumeId} is not open in the engine.`, { hint: 'Open the image volume first, then its labels.' });
      if (typeof target !== 'string' || target.trim() === '') throw new CallError('BAD_ARGUMENT', 'No label image given.', { hint: 'Give the folder of a label OME-Zarr (a segmentation), or the name of one of the volume’s labels.' });
      const name = target.trim();
      const folder = volume.kind === 'tiled' && volume.labels.includes(name) ? path.join(volume.source, 'labels', name) : path.resolve(name);
      if (!isOmeZarrFolder(folder)) {
        throw new CallError('NOT_OME_ZARR', `${folder} is not an OME-Zarr folder (it has no .zattrs or zarr.json).`, { file: folder, hint: 'Choose the .ome.zarr folder a segmentation was written to (membrana segment … -o neurons.ome.zarr).' });
      }
      const labels = await volumes.openOmeZarr(folder);
      if (labels.dtype === 'float32') {
        volumes.close(labels.id);
        throw new CallError('NOT_LABELS', `${folder} holds float32 voxels, not neuron ids.`, { file: folder, hint: 'Open a label image of whole-number ids (uint8, uint16, uint32 or uint64).' });
      }
      if (labels.width !== volume.width || labels.height !== volume.height || labels.depth !== volume.depth) {
        volumes.close(labels.id);
        throw new CallError(
          'SIZE_MISMATCH',
          `${folder} is ${labels.width} × ${labels.height} × ${labels.depth}, but ${volume.name} is ${volume.width} × ${volume.height} × ${volume.depth}: labels must cover the volume voxel for voxel.`,
          { file: folder, hint: 'Open the segmentation that was made from this volume (or its prediction).' },
        );
      }
      // Whatever its metadata says, it is shown as labels: ids in segment colours.
      return { ...labels, content: 'labels' };
    },
    closeVolume: async ({ volumeId }) => {
      volumes.close(volumeId);
      return null;
    },
  };
}
