#!/usr/bin/env node
/**
 * Part of `npm run bench`: neurons from the ISBI 2012 training stack, end to end as the app
 * does it: segment + link the 22 slices (the shipped model's prediction, made untimed first;
 * linked by cell interior, the default), then mesh every neuron for display, as the 3D view gets
 * them (VIEW_MESH_OPTIONS). Prints the largest neuron's share and 3D V_info split / merge too.
 * Target: segmenting, linking and meshing all neurons under 20 s on a 2-core CPU.
 */
import { meshNeurons, VIEW_MESH_OPTIONS } from '../mesh/meshNeuron.js';
import { triangleCount } from '../mesh/Mesh.js';
import { isbiTrainingFiles, runSegmentBench } from './segmentBench.js';

const files = isbiTrainingFiles();
if ('missing' in files) {
  console.log(`Neuron benchmark skipped: ${files.missing}.`);
} else {
  const result = (await runSegmentBench())!;
  const { ids, width, height, depth, voxelSize, scores, scores3d, sizes } = result;
  const started = performance.now();
  const meshes = await meshNeurons(ids, width, height, depth, { x: voxelSize.x, y: voxelSize.y, z: voxelSize.z }, VIEW_MESH_OPTIONS);
  const meshSeconds = (performance.now() - started) / 1000;
  let triangles = 0;
  for (const mesh of meshes.values()) triangles += triangleCount(mesh);
  const total = result.seconds + meshSeconds;
  console.log(`Neuron benchmark: ISBI 2012 train-volume.tif (${width} × ${height} × ${depth}, 4 × 4 × 50 nm), shipped model's prediction`);
  const rows: [string, string][] = [
    ['segment + link', `${result.seconds.toFixed(2)} s, ${result.count} neurons (linked by cell interior), the largest ${(100 * sizes.largestShare).toFixed(1)} % of the volume`],
    ['mesh all neurons', `${meshSeconds.toFixed(2)} s, ${meshes.size} meshes, ${triangles.toLocaleString('en')} triangles (sloped between slices, smoothed, decimated to 25%)`],
    ['total', `${total.toFixed(2)} s (target < 20 s)`],
    ['2D V_rand / V_info vs labels', `${scores.vRand.toFixed(4)} / ${scores.vInfo.toFixed(4)}`],
    ['3D V_info split / merge', `${scores3d.vInfoSplit.toFixed(4)} / ${scores3d.vInfoMerge.toFixed(4)} (vs the labels' cells linked across slices)`],
  ];
  const pad = Math.max(...rows.map(([label]) => label.length));
  for (const [label, value] of rows) console.log(`${label.padEnd(pad)}  ${value}`);
  console.log(
    JSON.stringify({
      neurons: { segment_seconds: Number(result.seconds.toFixed(3)), mesh_seconds: Number(meshSeconds.toFixed(3)), total_seconds: Number(total.toFixed(3)), count: result.count, largest_share: Number(sizes.largestShare.toFixed(4)), triangles, v_rand_2d: Number(scores.vRand.toFixed(4)), v_info_2d: Number(scores.vInfo.toFixed(4)), v_info_split_3d: Number(scores3d.vInfoSplit.toFixed(4)), v_info_merge_3d: Number(scores3d.vInfoMerge.toFixed(4)) },
    }),
  );
}
