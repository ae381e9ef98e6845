import { copyFile, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { readIfExists } from '../io/readIfExists.js';
import type { ModelVersionInfo, VersionData } from '../../protocol/contract.js';
import { META_JSON, MODEL_JSON, WEIGHTS_BIN } from '../model/modelFolder.js';
import { ProjectError } from './ProjectError.js';

/** The files that make a model folder loadable (engine/model/modelFolder.ts). */
export const MODEL_FILES = [MODEL_JSON, WEIGHTS_BIN, META_JSON] as const;
/** Written beside them in each project model version. */
export const VERSION_JSON = 'version.json';

// models/<id>/version.json holds a ModelVersionInfo, the contract's own shape: the engine sends it as stored.
export type { ModelVersionInfo, VersionData, VersionMetrics } from '../../protocol/contract.js';

export const NO_DATA: VersionData = { trainSlices: [], validationSlices: [], labelledPixels: 0 };

const VERSION_ID = /^v([1-9][0-9]*)$/;

/** True for 'v1', 'v2', ...: the only names used as version folders (so no id can point outside models/). */
export function isVersionId(id: unknown): id is string {
  return typeof id === 'string' && VERSION_ID.test(id);
}

/** The version folders under models/, in version order (v2 before v10). */
export async function versionFolders(modelsDir: string): Promise<string[]> {
  const entries = await readdir(modelsDir, { withFileTypes: true }).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  });
  return entries
    .filter((entry) => entry.isDirectory() && isVersionId(entry.name))
    .map((entry) => entry.name)
    .sort((a, b) => versionNumber(a) - versionNumber(b));
}

/** The id after the highest version folder: 'v1' for none. */
export function nextVersionId(existing: readonly string[]): string {
  return `v${existing.reduce((highest, id) => Math.max(highest, versionNumber(id)), 0) + 1}`;
}

function versionNumber(id: string): number {
  return Number(VERSION_ID.exec(id)?.[1] ?? 0);
}

/** Reads and checks a version.json; null when the folder has none (not a finished version). */
export async function readVersionInfo(dir: string): Promise<ModelVersionInfo | null> {
  const file = path.join(dir, VERSION_JSON);
  const bytes = await readIfExists(file);
  if (!bytes) return null;
  const text = bytes.toString('utf8');
  const fail = (what: string, cause?: unknown): never => {
    throw new ProjectError('CORRUPT_PROJECT', `The model version file ${file} ${what}.`, {
      file,
      hint: 'Restore it from a backup, or move this version folder out of models/ to open the project without it.',
      cause,
    });
  };
  let value: Partial<ModelVersionInfo>;
  try {
    value = JSON.parse(text) as Partial<ModelVersionInfo>;
  } catch (error) {
    return fail(`is not valid JSON (${(error as Error).message})`, error);
  }
  if (typeof value !== 'object' || value === null) return fail('does not hold a JSON object');
  if (value.id !== path.basename(dir)) return fail(`names version ${JSON.stringify(value.id)}, but its folder is ${path.basename(dir)}`);
  if (value.parent !== null && !isVersionId(value.parent)) return fail(`has a parent ${JSON.stringify(value.parent)} that is not a version`);
  if (typeof value.created !== 'string' || typeof value.note !== 'string') return fail('lacks its creation time or note');
  // Older or hand-written files may lack these; the rest of the engine can rely on them.
  return { ...value, data: value.data ?? { ...NO_DATA }, metrics: value.metrics ?? {} } as ModelVersionInfo;
}

/**
 * Checks that a folder holds a complete model (model.json, weights.bin, membrana.json of a
 * Membrana membrane model); a BAD_MODEL_FOLDER error naming what is missing otherwise.
 */
export async function checkModelFolder(dir: string): Promise<void> {
  const hint = 'Choose a folder exported from a Membrana project or written by `membrana train` (it holds model.json, weights.bin and membrana.json).';
  const present = new Set(await readdir(dir).catch(() => [] as string[]));
  const missing = MODEL_FILES.filter((name) => !present.has(name));
  if (missing.length > 0) {
    throw new ProjectError('BAD_MODEL_FOLDER', `${dir} is not a complete model folder: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing.`, { file: dir, hint });
  }
  for (const name of [MODEL_JSON, META_JSON]) {
    const file = path.join(dir, name);
    let value: unknown;
    try {
      value = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      throw new ProjectError('BAD_MODEL_FOLDER', `${file} is not valid JSON (${(error as Error).message}).`, { file, hint, cause: error });
    }
    if (name === META_JSON && (value as { format?: unknown } | null)?.format !== 'membrana-membrane-model') {
      throw new ProjectError('BAD_MODEL_FOLDER', `${file} does not describe a Membrana membrane model.`, { file, hint });
    }
  }
}

/** Copies the named files from one folder to another (which must exist). */
export async function copyFiles(source: string, target: string, names: readonly string[]): Promise<void> {
  for (const name of names) await copyFile(path.join(source, name), path.join(target, name));
}
