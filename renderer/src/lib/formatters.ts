import type { VolumeInfo, VoxelSize, VoxelType } from '../../../protocol/contract.js';

/** A number with up to `digits` significant digits, without trailing zeros ("0.1235", "4", "1.5e+6"). */
export function formatSignificant(value: number, digits = 4): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  // Tiny values in exponent form: "-8.935e-5" reads better than "-0.00008935".
  const fixed = Math.abs(value) < 1e-3 ? value.toExponential(digits - 1) : value.toPrecision(digits);
  if (fixed.includes('e')) return fixed.replace(/\.?0+e/, 'e');
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/** A voxel value as the data type stores it: integers whole, floats to 4 significant digits. */
export function formatValue(value: number, dtype: VoxelType): string {
  return dtype === 'float32' ? formatSignificant(value, 4) : String(Math.round(value));
}

/** "voxel 4 × 4 × 50 nm", or a plain statement when the file did not say. */
export function formatVoxelSize(size: VoxelSize): string {
  if (size.unit === 'px' || !size.unit) return 'voxel size unknown (px)';
  const part = (n: number): string => formatSignificant(n, 4);
  return `voxel ${part(size.x)} × ${part(size.y)} × ${part(size.z)} ${size.unit}`;
}

/** Zoom as the toolbar shows it: "150%", "12.5%", "1.6%". */
export function formatZoom(percent: number): string {
  if (percent >= 100 || Number.isInteger(percent)) return `${Math.round(percent)}%`;
  return `${formatSignificant(percent, percent < 10 ? 2 : 3)}%`;
}

/** "512 × 512 × 30 uint8". */
export function formatDimensions(volume: Pick<VolumeInfo, 'width' | 'height' | 'depth' | 'dtype'>): string {
  return `${volume.width} × ${volume.height} × ${volume.depth} ${volume.dtype}`;
}

/** A duration for people: "45 s", "3 min 05 s", "1 h 02 min". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** Slice numbers as ranges: 0–4, 7, 9–10. */
export function formatSlices(slices: readonly number[]): string {
  const sorted = [...new Set(slices)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let k = 0; k < sorted.length; ) {
    let end = k;
    while (end + 1 < sorted.length && sorted[end + 1] === sorted[end]! + 1) end++;
    parts.push(end === k ? `${sorted[k]}` : `${sorted[k]}–${sorted[end]}`);
    k = end + 1;
  }
  return parts.join(', ');
}

/** When something happened, for a list: "today 14:05", "yesterday", "3 days ago", "12 Mar 2025". */
export function formatWhen(iso: string, now: Date = new Date()): string {
  const then = new Date(iso);
  if (Number.isNaN(then.getTime())) return '';
  const midnight = (d: Date): number => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  // Rounded, as a day across a change to or from summer time is 23 or 25 hours long.
  const days = Math.round((midnight(now) - midnight(then)) / 86_400_000);
  if (days <= 0) return `today ${String(then.getHours()).padStart(2, '0')}:${String(then.getMinutes()).padStart(2, '0')}`;
  if (days === 1) return 'yesterday';
  if (days < 7) return `${days} days ago`;
  return then.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
}
