import { afterEach, describe, expect, it, vi } from 'vitest';
import { Settings, SETTINGS_KEY, type SettingsStorage } from './Settings.svelte.js';
import { DEFAULT_SETTINGS } from './settingsSchema.js';

/** An in-memory Storage, as localStorage behaves. */
function memoryStorage(initial: Record<string, string> = {}): SettingsStorage & { items: Map<string, string> } {
  const items = new Map(Object.entries(initial));
  return { items, getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, String(value)) };
}

afterEach(() => vi.restoreAllMocks());

describe('Settings', () => {
  it('starts from the defaults and stores nothing until something changes', () => {
    const storage = memoryStorage();
    const settings = new Settings(storage);
    expect(settings.value).toEqual(DEFAULT_SETTINGS);
    expect(storage.items.size).toBe(0);
    settings.update('tools', { brushRadius: 3 });
    expect(storage.items.size).toBe(0);
  });

  it('saves each change and restores it in the next session', () => {
    const storage = memoryStorage();
    const first = new Settings(storage);
    first.update('display', { predictionOpacity: 0.2, colormap: 'violet' });
    first.update('panels', { tab: 'learn', rightOpen: false });
    const second = new Settings(storage);
    expect(second.display.predictionOpacity).toBe(0.2);
    expect(second.display.colormap).toBe('violet');
    expect(second.panels).toEqual({ ...DEFAULT_SETTINGS.panels, tab: 'learn', rightOpen: false });
    expect(second.problems).toEqual([]);
    expect(JSON.parse(storage.items.get(SETTINGS_KEY)!).version).toBe(1);
  });

  it('refuses a value that breaks its rule, and keeps the old one', () => {
    const settings = new Settings(memoryStorage());
    expect(() => settings.update('compute', { fineTuneSteps: 0 })).toThrow('compute.fineTuneSteps');
    expect(settings.compute.fineTuneSteps).toBe(60);
  });

  it('starts from the defaults when the stored settings are damaged, and says so in the console', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const settings = new Settings(memoryStorage({ [SETTINGS_KEY]: '{"version":1,"tools":{"brushRadius":-4}}' }));
    expect(settings.value).toEqual(DEFAULT_SETTINGS);
    expect(settings.problems).toEqual([`Saved settings (${SETTINGS_KEY}): tools.brushRadius -4 is outside 0.5–200; using 3.`]);
    expect(warn).toHaveBeenCalledWith(settings.problems[0]);
  });

  it('works on when storage cannot be read or written (a private window, a full disk)', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const broken: SettingsStorage = {
      getItem: () => {
        throw new Error('SecurityError: access denied');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    const settings = new Settings(broken);
    settings.update('tools', { brushRadius: 8 });
    settings.update('tools', { brushRadius: 9 });
    expect(settings.tools.brushRadius).toBe(9);
    expect(settings.problems).toEqual([
      'Could not read the saved settings (SecurityError: access denied); using the defaults.',
      'Could not save the settings (QuotaExceededError); they last until the window closes.',
    ]);
  });

  it('works without any storage', () => {
    const settings = new Settings(null);
    settings.update('panels', { leftOpen: false });
    expect(settings.panels.leftOpen).toBe(false);
  });
});
