import { checkPatch, parseSettings, serializeSettings, type SettingsSection, type SettingsValue } from './settingsSchema.js';
import { uiLog } from '../uiLog.js';

/** Where settings are kept: localStorage in the app, a map in tests. */
export type SettingsStorage = Pick<Storage, 'getItem' | 'setItem'>;

export const SETTINGS_KEY = 'membrana.settings';

/**
 * The user's settings (display, tools, panels, compute and export choices), read once from
 * storage and written back on every change. localStorage is per user and, in the desktop app,
 * per installation; in serve mode it is per browser and server address.
 */
export class Settings {
  #value = $state.raw<SettingsValue>(parseSettings(null).value);
  readonly #storage: SettingsStorage | null;
  readonly #key: string;
  /** What could not be used from storage, or saved to it; in the console and the diagnostics, not in the way. */
  readonly problems: string[] = [];

  constructor(storage: SettingsStorage | null = defaultStorage(), key = SETTINGS_KEY) {
    this.#storage = storage;
    this.#key = key;
    let stored: string | null = null;
    try {
      stored = storage?.getItem(key) ?? null;
    } catch (error) {
      this.#report(`Could not read the saved settings (${(error as Error).message}); using the defaults.`);
    }
    const { value, problems } = parseSettings(stored);
    this.#value = value;
    for (const problem of problems) this.#report(`Saved settings (${key}): ${problem}`);
  }

  /** A plain snapshot; reading it subscribes to every change. */
  get value(): SettingsValue {
    return this.#value;
  }
  get display(): SettingsValue['display'] {
    return this.#value.display;
  }
  get tools(): SettingsValue['tools'] {
    return this.#value.tools;
  }
  get panels(): SettingsValue['panels'] {
    return this.#value.panels;
  }
  get compute(): SettingsValue['compute'] {
    return this.#value.compute;
  }
  get export(): SettingsValue['export'] {
    return this.#value.export;
  }

  /** Changes some fields of one section and saves; nothing happens when nothing changes. */
  update<S extends SettingsSection>(section: S, patch: Partial<SettingsValue[S]>): void {
    checkPatch(section, patch);
    const current = this.#value[section];
    const changed = Object.entries(patch).some(([key, value]) => (current as unknown as Record<string, unknown>)[key] !== value);
    if (!changed) return;
    this.#value = { ...this.#value, [section]: { ...current, ...patch } };
    this.#save();
  }

  #save(): void {
    try {
      this.#storage?.setItem(this.#key, serializeSettings(this.#value));
    } catch (error) {
      this.#report(`Could not save the settings (${(error as Error).message}); they last until the window closes.`);
    }
  }

  #report(problem: string): void {
    if (this.problems.includes(problem)) return;
    this.problems.push(problem);
    uiLog.warn(problem);
  }
}

function defaultStorage(): SettingsStorage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    // A sandboxed page may refuse even the lookup.
    return null;
  }
}
