/** One neuron in view, as the level-of-detail choice sees it. */
export interface DetailCandidate {
  id: number;
  /** How big it looks: bounding radius / distance from the camera (any monotonic measure works). */
  apparentSize: number;
  /** Triangles of each level, full mesh first, then ever coarser decimated versions. */
  levelTriangles: readonly number[];
  /** Selected neurons are always drawn in full: they are what the user is looking at. */
  selected: boolean;
}

/**
 * Which level of detail each neuron is drawn at (0 = full mesh) so the frame stays within
 * `triangleBudget` triangles. Every neuron starts at its coarsest level (selected ones in full);
 * then, biggest-looking first, each gets the finest level the remaining budget allows. Distance
 * alone would not do: all neurons of a small volume sit at about the same distance, so they would
 * switch together, and the frame cost would jump from cheap to slow at one zoom step.
 */
export function chooseDetailLevels(candidates: readonly DetailCandidate[], triangleBudget: number): Map<number, number> {
  const levels = new Map<number, number>();
  const upgradable: DetailCandidate[] = [];
  let total = 0;
  for (const candidate of candidates) {
    const coarsest = Math.max(0, candidate.levelTriangles.length - 1);
    const level = candidate.selected ? 0 : coarsest;
    levels.set(candidate.id, level);
    total += candidate.levelTriangles[level] ?? 0;
    if (level > 0) upgradable.push(candidate);
  }
  upgradable.sort((a, b) => b.apparentSize - a.apparentSize);
  for (const candidate of upgradable) {
    const current = levels.get(candidate.id)!;
    const base = total - candidate.levelTriangles[current]!;
    for (let level = 0; level < current; level++) {
      if (base + candidate.levelTriangles[level]! <= triangleBudget) {
        levels.set(candidate.id, level);
        total = base + candidate.levelTriangles[level]!;
        break;
      }
    }
  }
  return levels;
}
