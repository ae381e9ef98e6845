import { describe, expect, it } from 'vitest';
import { volumeSegmentationScores } from './segmentationScores.js';
import { segmentVolume, type SegmentProgress } from './segmentVolume.js';
import { syntheticNeurons } from './testing/syntheticNeurons.js';

const ISBI = { x: 4, y: 4, z: 50, unit: 'nm' };

describe('segmentVolume', () => {
  it('recovers synthetic neurons crossing 8 noisy slices', () => {
    const synthetic = syntheticNeurons();
    const { width, height, depth } = synthetic;
    const result = segmentVolume(synthetic.probability, width, height, depth, { voxelSize: ISBI });
    expect(result.count).toBe(synthetic.count);
    expect(result.seconds).toBeGreaterThan(0);
    const scores = volumeSegmentationScores(result.ids, synthetic.truth);
    expect(scores.vRand).toBeGreaterThanOrEqual(0.95);
    expect(scores.vInfo).toBeGreaterThanOrEqual(0.95);
  });

  it('recovers six neurons with thicker membranes and more noise, in µm units', () => {
    const synthetic = syntheticNeurons({
      width: 120,
      height: 100,
      membrane: 4,
      noise: 70,
      seed: 3,
      centres: [
        { x: 20, y: 25, dx: 0.6, dy: 0.2 },
        { x: 60, y: 20, dx: -0.4, dy: 0.5 },
        { x: 100, y: 25, dx: -0.6, dy: 0.3 },
        { x: 20, y: 75, dx: 0.5, dy: -0.4 },
        { x: 60, y: 80, dx: 0.2, dy: -0.6 },
        { x: 100, y: 75, dx: -0.5, dy: -0.3 },
      ],
    });
    const { width, height, depth } = synthetic;
    const result = segmentVolume(synthetic.probability, width, height, depth, { voxelSize: { x: 0.004, y: 0.004, z: 0.05, unit: 'µm' } });
    expect(result.count).toBe(6);
    expect(volumeSegmentationScores(result.ids, synthetic.truth).vRand).toBeGreaterThanOrEqual(0.95);
  });

  it('applies corrections per slice', () => {
    const synthetic = syntheticNeurons();
    const { width, height, depth } = synthetic;
    // Paint the whole of slice 3 as cell: it becomes one segment, which joins all neurons.
    const cell = new Uint8Array(width * height).fill(2);
    const asked: number[] = [];
    const result = segmentVolume(synthetic.probability, width, height, depth, {
      voxelSize: ISBI,
      corrections: (z) => {
        asked.push(z);
        return z === 3 ? cell : null;
      },
    });
    expect(asked).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const slice3 = new Set(result.ids.subarray(3 * width * height, 4 * width * height));
    expect(slice3.size).toBe(1);
  });

  it('links by cell interior: two neurons whose thick membrane leans from slice to slice stay apart, where overlap alone chains them into one', () => {
    // A wide cell A (left) and a thin one B (right) over 3 slices, the membrane between them 6 px
    // thick (EM membranes are at 4 nm pixels); in slice 1 it leans 6 px to the right. Each cell's
    // segment holds its side of the membrane, so B in slice 0 overlaps A in slice 1 more than B
    // in slice 1 (6 columns against 5), all of it on membrane in one slice or the other.
    const [width, height, depth] = [24, 20, 3];
    const bands = [[10, 15], [16, 21], [10, 15]] as const;
    const probability = new Uint8Array(width * height * depth);
    for (let z = 0; z < depth; z++) {
      for (let i = 0; i < width * height; i++) {
        const x = i % width;
        probability[z * width * height + i] = x >= bands[z]![0] && x <= bands[z]![1] ? 250 : 10;
      }
    }
    const at = (ids: Uint32Array, x: number, z: number): number => ids[z * width * height + 10 * width + x]!;
    const byOverlap = segmentVolume(probability, width, height, depth, { voxelSize: ISBI, linkBy: 'overlap' });
    expect(byOverlap.count).toBe(1);
    const byInterior = segmentVolume(probability, width, height, depth, { voxelSize: ISBI });
    expect(byInterior.count).toBe(2);
    for (let z = 0; z < depth; z++) {
      expect(at(byInterior.ids, 0, z)).toBe(at(byInterior.ids, 0, 0));
      expect(at(byInterior.ids, width - 1, z)).toBe(at(byInterior.ids, width - 1, 0));
    }
    expect(at(byInterior.ids, 0, 0)).not.toBe(at(byInterior.ids, width - 1, 0));
    expect(() => segmentVolume(probability, width, height, depth, { voxelSize: ISBI, linkBy: 'nearest' as 'overlap' })).toThrow(/linkBy must be interior or overlap, got nearest/);
  });

  it("links with the expert's strokes painted in: a cell stroke counts as interior", () => {
    // One cell over 2 slices; in slice 1 the prediction is unsure (probability 80) except a small
    // core, so its interior is a sliver of slice 0's: no link. Painted as cell, it links.
    const [width, height, depth] = [30, 30, 2];
    const plane = width * height;
    const probability = new Uint8Array(plane * depth).fill(10);
    for (let i = 0; i < plane; i++) {
      const [x, y] = [i % width, Math.floor(i / width)];
      if (x < 12 || x > 17 || y < 12 || y > 17) probability[plane + i] = 80;
    }
    expect(segmentVolume(probability, width, height, depth, { voxelSize: ISBI }).count).toBe(2);
    const cell = new Uint8Array(plane).fill(2);
    const corrected = segmentVolume(probability, width, height, depth, { voxelSize: ISBI, corrections: (z) => (z === 1 ? cell : null) });
    expect(corrected.count).toBe(1);
    // The probability itself is left as it was.
    expect(probability[plane]).toBe(80);
  });

  it('reports progress by stage, ending at 1, and stops when cancelled', () => {
    const synthetic = syntheticNeurons({ depth: 4 });
    const { width, height, depth } = synthetic;
    const progress: SegmentProgress[] = [];
    segmentVolume(synthetic.probability, width, height, depth, { voxelSize: ISBI, onProgress: (p) => progress.push(p) });
    expect(progress[0]).toEqual({ stage: 'Segmenting slice 1 of 4', fraction: 0 });
    expect(progress.some((p) => p.stage === 'Linking slices into neurons')).toBe(true);
    expect(progress.at(-1)!.fraction).toBe(1);
    for (let k = 1; k < progress.length; k++) expect(progress[k]!.fraction).toBeGreaterThanOrEqual(progress[k - 1]!.fraction);

    const controller = new AbortController();
    let slicesStarted = 0;
    expect(() =>
      segmentVolume(synthetic.probability, width, height, depth, {
        voxelSize: ISBI,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.stage.startsWith('Segmenting')) slicesStarted++;
          if (slicesStarted === 2) controller.abort();
        },
      }),
    ).toThrow(expect.objectContaining({ name: 'AbortError', code: 'CANCELLED' }));
    expect(slicesStarted).toBe(2);
  });

  it('refuses a voxel size in pixels and a probability of the wrong size', () => {
    expect(() => segmentVolume(new Uint8Array(8), 2, 2, 2, { voxelSize: { x: 1, y: 1, z: 1, unit: 'px' } })).toThrow(/'px', not a length; give it in nm/);
    expect(() => segmentVolume(new Uint8Array(7), 2, 2, 2, { voxelSize: ISBI })).toThrow(/holds 7 voxels, not 2 × 2 × 2 = 8/);
  });
});
