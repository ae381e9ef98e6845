import path from 'node:path';
import { parseArgs } from 'node:util';
import { readVolume } from '../io/readVolume.js';
import type { Volume } from '../io/Volume.js';
import type { VoxelSizeNm } from '../mesh/Mesh.js';
import { exportNeuronMeshes, type NeuronExportFormat } from '../mesh/exportNeuronMeshes.js';
import { LENGTH_UNITS, type LengthUnit } from '../mesh/meshUnits.js';
import { segmentationFromVolume } from '../mesh/segmentationFromVolume.js';
import { parseShare } from '../blocks/blockGrid.js';
import { isOmeZarrInput, meshOmeZarr } from '../blocks/meshOmeZarr.js';
import { cleanUpOnFailure } from '../blocks/cleanUpOnFailure.js';
import { UsageError } from './CliError.js';
import { progressPrinter } from './progressPrinter.js';

export const meshUsage = `membrana mesh <segments.tif|seg.ome.zarr> -o <dir> --format obj|stl|ply|glb|precomputed [options]

Builds a closed surface mesh of every neuron in a segmentation (one id per neuron, 0 = boundary;
uint32, or 8/16-bit ids) and writes them into a folder. Prints one JSON line: neurons, triangles,
seconds.

An OME-Zarr label image (level 0, [z, y, x]) is meshed block by block and need not fit in
memory: each block of whole chunks is written and marked done as it finishes, so a killed run
resumes where it stopped, and --blocks shares the work among jobs. When the last block is done
the export is written: a precomputed dataset (one fragment per block per neuron) is the output
folder itself; mesh files are welded from the fragments kept in <dir>/.membrana-fragments.
  -o, --output DIR   the folder to write (created when missing; a precomputed dataset needs a new
                     or empty one)
  --format F         obj, stl, ply or glb files, or a Neuroglancer precomputed dataset
                     (segmentation chunks and legacy meshes, always one folder, nm)
  --ids 1,2,3        only these neurons (default: all)
  --units nm|um      units of the mesh positions (default nm)
  --voxel-size x,y,z voxel size in nm (default: the file's, e.g. 4,4,50 for ISBI 2012)
  --decimate R       keep about this fraction of the triangles, 0 < R <= 1 (e.g. 0.2)
  --smooth N         Taubin smoothing iterations (default 0: the voxel surface)
  --scene            one file with every neuron instead of neuron-<id>.<format> files
  --blocks i/N       OME-Zarr only: mesh share i of N (0 <= i < N) of the blocks; run every share
                     (any order, any machine with the same folders), the last one writes the export`;

const FORMATS: readonly NeuronExportFormat[] = ['obj', 'stl', 'ply', 'glb', 'precomputed'];

export async function meshCommand(argv: string[], read: (file: string) => Promise<Volume> = readVolume): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      output: { type: 'string', short: 'o' },
      format: { type: 'string' },
      ids: { type: 'string' },
      units: { type: 'string' },
      'voxel-size': { type: 'string' },
      decimate: { type: 'string' },
      smooth: { type: 'string' },
      scene: { type: 'boolean', default: false },
      blocks: { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'give the segmentation stack to mesh.' : `give one segmentation, not ${positionals.length}.`);
  if (!values.output) throw new UsageError('give the output folder with -o DIR.');
  const format = values.format as NeuronExportFormat | undefined;
  if (!format || !FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not ${values.format === undefined ? 'missing' : `"${values.format}"`}.`);
  const units = (values.units ?? 'nm') as LengthUnit;
  if (!LENGTH_UNITS.includes(units)) throw new UsageError(`--units must be nm or um, not "${values.units}".`);
  if (format === 'precomputed' && units !== 'nm') throw new UsageError('precomputed meshes are always in nanometres; leave out --units.');
  const ids = values.ids === undefined ? undefined : parseIds(values.ids);
  const voxelSize = values['voxel-size'] === undefined ? undefined : parseVoxelSize(values['voxel-size']);
  const decimate = values.decimate === undefined ? undefined : Number(values.decimate);
  if (decimate !== undefined && !(decimate > 0 && decimate <= 1)) throw new UsageError(`--decimate is the fraction of triangles to keep, more than 0 and at most 1, not "${values.decimate}".`);
  const smoothing = values.smooth === undefined ? 0 : Number(values.smooth);
  if (!Number.isInteger(smoothing) || smoothing < 0 || smoothing > 1000) throw new UsageError(`--smooth must be a whole number of iterations from 0 to 1000, not "${values.smooth}".`);
  const input = path.resolve(positionals[0]!);
  const output = path.resolve(values.output);
  if (output === input) throw new UsageError(`the output ${output} would overwrite the input.`);

  const blockWise = isOmeZarrInput(input);
  if (values.blocks !== undefined && !blockWise) throw new UsageError(`--blocks shares the blocks of an OME-Zarr label image; ${input} is not one (convert it with \`membrana import\`, or leave out --blocks).`);
  let share = { share: 0, shares: 1 };
  if (values.blocks !== undefined) {
    try {
      share = parseShare(values.blocks);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }

  const started = performance.now();
  if (blockWise) {
    const progress = progressPrinter();
    // The fragments folder (and the output folder, when this run made it) go when no block finished.
    const result = await cleanUpOnFailure([output, path.join(output, '.membrana-fragments')], () => meshOmeZarr({
      input,
      output,
      format,
      ...share,
      ids,
      voxelSize,
      units,
      scene: values.scene,
      name: path.basename(input).replace(/(\.ome)?\.zarr\/?$/i, '') || 'neurons',
      decimate,
      smoothing,
      onProgress: progress.update,
      onWarning: (message) => console.error(`warning: ${message}`),
    }));
    progress.done();
    if (!result.finished) console.error(`${result.blocks - result.remaining} of ${result.blocks} blocks done; the job that finishes the last block writes the meshes (or run again without --blocks).`);
    const seconds = Number(((performance.now() - started) / 1000).toFixed(3));
    const { blocks, meshed, skipped, remaining, finished, neurons, triangles } = result;
    console.log(JSON.stringify({ blocks, meshed, skipped, remaining, finished, neurons, triangles, seconds, output, files: result.files.length }));
    return;
  }
  const volume = await read(input);
  const { segmentation, voxelSizeKnown } = segmentationFromVolume(volume, voxelSize);
  if (!voxelSizeKnown) console.error(`warning: ${input} does not say its voxel size; meshing at 1 × 1 × 1 nm. Give --voxel-size (4,4,50 for ISBI 2012).`);
  const progress = progressPrinter();
  const summary = await exportNeuronMeshes(segmentation, output, {
    format,
    units,
    scene: values.scene,
    name: path.basename(input).replace(/\.[^.]*$/, '') || 'neurons',
    ids,
    decimate,
    smoothing,
    onProgress: progress.update,
  });
  progress.done();
  const seconds = Number(((performance.now() - started) / 1000).toFixed(3));
  console.log(JSON.stringify({ neurons: summary.neurons, triangles: summary.triangles, seconds, output, files: summary.files.length }));
}

function parseIds(text: string): number[] {
  const ids = text.split(',').map((part) => part.trim());
  for (const id of ids) {
    if (!/^\d+$/.test(id) || Number(id) < 1 || Number(id) > 0xffffffff) throw new UsageError(`--ids takes neuron ids from 1 to 4294967295, separated by commas, not "${id}" in "${text}".`);
  }
  return ids.map(Number);
}

function parseVoxelSize(text: string): VoxelSizeNm {
  const parts = text.split(',').map((part) => Number(part.trim()));
  if (parts.length !== 3 || !parts.every((value) => Number.isFinite(value) && value > 0)) {
    throw new UsageError(`--voxel-size takes three positive sizes in nm, x,y,z (4,4,50 for ISBI 2012), not "${text}".`);
  }
  return { x: parts[0]!, y: parts[1]!, z: parts[2]! };
}
