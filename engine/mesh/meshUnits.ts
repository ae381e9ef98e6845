/** Length units meshes are exported in. Positions are computed in nanometres. */
export type LengthUnit = 'nm' | 'um';

export const LENGTH_UNITS: readonly LengthUnit[] = ['nm', 'um'];

/** How many nanometres one unit is. */
export const NANOMETRES_PER_UNIT: Record<LengthUnit, number> = { nm: 1, um: 1000 };

/** Positions in nanometres converted to `units` (the same array when that is nanometres). */
export function positionsIn(positions: Float32Array, units: LengthUnit = 'nm'): Float32Array {
  const factor = NANOMETRES_PER_UNIT[units];
  if (factor === undefined) throw new RangeError(`Mesh units must be ${LENGTH_UNITS.join(' or ')}, not "${String(units)}".`);
  return factor === 1 ? positions : positions.map((value) => value / factor);
}

/** Units as people write them in file headers. */
export function unitLabel(units: LengthUnit = 'nm'): string {
  return units === 'um' ? 'micrometres' : 'nanometres';
}
