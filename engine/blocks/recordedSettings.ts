import { readFile } from 'node:fs/promises';

/**
 * The settings a block-wise output was started with (its JSON `file`), to hold a resumed run or
 * another share to them. `what` names the kind of output ('a Membrana block prediction') for the
 * error when the file is missing or unreadable.
 */
export async function readRecordedSettings<T>(folder: string, file: string, what: string): Promise<T> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    throw new Error(`${folder} exists but is not ${what} (${file} is missing or unreadable): choose a new output or delete it.`);
  }
}

/**
 * Throws, naming both and what to do (`rerun`: 'rerun with the same options'), unless this run's
 * settings are the ones the output was started with; the order of object keys does not matter.
 */
export function checkSameSettings(folder: string, recorded: unknown, settings: unknown, rerun: string): void {
  if (canonicalJson(recorded) !== canonicalJson(settings)) {
    throw new Error(`${folder} was started with other settings (${JSON.stringify(recorded)}), not this run's (${JSON.stringify(settings)}): ${rerun}, or delete ${folder} to start over.`);
  }
}

/** JSON with object keys sorted, so settings given in another key order still compare equal. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}
