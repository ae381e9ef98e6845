/**
 * Writes assets/sample/isbi2012-test-crop.tif, the built-in sample: a 384 × 384 × 16 crop of the
 * ISBI 2012 test volume, Deflate-compressed, with its 4 × 4 × 50 nm voxel size recorded.
 * Run: npx tsc --ignoreConfig --outDir /tmp/ms --rootDir . --module NodeNext --moduleResolution NodeNext
 *        --target ES2022 --skipLibCheck --types node tools/makeSample.ts
 *      echo '{"type":"module"}' > /tmp/ms/package.json && node /tmp/ms/tools/makeSample.js
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readTiff } from '../engine/io/readTiff.js';
import { writeTiff } from '../engine/io/writeTiff.js';

const [source = '../shared/data/isbi2012/test-volume.tif', output = 'assets/sample/isbi2012-test-crop.tif'] = process.argv.slice(2);
const volume = readTiff(new Uint8Array(readFileSync(source)), source);
const size = 384, depth = 16, x0 = 64, y0 = 64;
const data = new Uint8Array(size * size * depth);
for (let z = 0; z < depth; z++) {
  for (let y = 0; y < size; y++) {
    const from = (z * volume.height + y + y0) * volume.width + x0;
    data.set(volume.data.subarray(from, from + size), (z * size + y) * size);
  }
}
mkdirSync(path.dirname(output), { recursive: true });
writeFileSync(
  output,
  writeTiff(
    {
      width: size, height: size, depth, dtype: 'uint8', data,
      voxelSize: { x: 4, y: 4, z: 50, unit: 'nm' },
      description: 'ISBI 2012 EM segmentation challenge, test volume, crop x 64-447, y 64-447, z 0-15. Arganda-Carreras et al. 2015, Front. Neuroanat. 9:142; Cardona et al. 2010, PLoS Biol.',
    },
    { compression: 'deflate', predictor: true },
  ),
);
console.log(`wrote ${output}`);
