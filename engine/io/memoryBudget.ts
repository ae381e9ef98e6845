import os from 'node:os';

/** The largest typed array Node allocates (4 GiB on 64-bit). */
export const MAX_ARRAY_BYTES = 2 ** 32;

const UNITS: Record<string, number> = { '': 1, b: 1, k: 2 ** 10, kb: 2 ** 10, kib: 2 ** 10, m: 2 ** 20, mb: 2 ** 20, mib: 2 ** 20, g: 2 ** 30, gb: 2 ** 30, gib: 2 ** 30, t: 2 ** 40, tb: 2 ** 40, tib: 2 ** 40 };

/** '1GiB', '512m', '1048576' → bytes; undefined for anything else. */
export function parseByteSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = match ? UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined) return undefined;
  const bytes = Number(match[1]) * unit;
  return bytes > 0 ? Math.floor(bytes) : undefined;
}

/**
 * How many bytes one reader may allocate for decoded voxels and their scratch: half of the
 * machine's memory, or MEMBRANA_MEMORY_BUDGET (e.g. "2GiB") when set. Headers and metadata are
 * checked against it before any buffer is made, so a file that declares a huge image fails with
 * a clear error instead of taking the machine's memory (or V8's process-ending size errors).
 */
export function memoryBudget(): number {
  const given = process.env.MEMBRANA_MEMORY_BUDGET;
  const parsed = given === undefined || given === '' ? undefined : parseByteSize(given);
  return parsed ?? Math.floor(os.totalmem() / 2);
}

/** Bytes as people read them: '7.2 GB', '512 MB'. */
export function describeBytes(bytes: number): string {
  if (bytes >= 1e12) return `${(bytes / 1e12).toFixed(1)} TB`;
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.ceil(bytes / 1e3)} kB`;
}

/** Whether `bytes` can be allocated as one typed array within the budget. */
export function fitsInMemory(bytes: number): boolean {
  return Number.isFinite(bytes) && bytes <= memoryBudget() && bytes <= MAX_ARRAY_BYTES;
}
