import { describe, expect, it } from 'vitest';
import { checkPatch, DEFAULT_SETTINGS, parseSettings, serializeSettings, SETTINGS_VERSION, type SettingsValue } from './settingsSchema.js';

const changed: SettingsValue = {
  display: { ...DEFAULT_SETTINGS.display, predictionOpacity: 0.3, colormap: 'magma', predictionMode: 'threshold', threshold: 90, correctionsOpacity: 0.5, segmentsOutline: true },
  tools: { tool: 'lasso', label: 'cell', brushRadius: 12.5 },
  panels: { ...DEFAULT_SETTINGS.panels, tab: 'neurons', leftWidth: 340, rightOpen: false, contrastOpen: true },
  compute: { testTimeAugmentation: true, fineTuneSteps: 200, linkThreshold: 0.35, memoryBudgetMb: 2048 },
  export: { meshFormat: 'precomputed', meshUnits: 'nm', meshOneFile: false },
};

describe('parseSettings', () => {
  it('gives the defaults, without a problem, when nothing is stored', () => {
    expect(parseSettings(null)).toEqual({ value: DEFAULT_SETTINGS, problems: [] });
  });

  it('reads back what serializeSettings wrote, with its version', () => {
    const json = serializeSettings(changed);
    expect(JSON.parse(json).version).toBe(SETTINGS_VERSION);
    expect(parseSettings(json)).toEqual({ value: changed, problems: [] });
  });

  it('falls back to the defaults for text that is not JSON, saying so', () => {
    const { value, problems } = parseSettings('{"version": 1, "display": {');
    expect(value).toEqual(DEFAULT_SETTINGS);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^The saved settings are not JSON \(.+\); using the defaults\.$/);
  });

  it('falls back to the defaults for another version, naming both', () => {
    const { value, problems } = parseSettings(JSON.stringify({ ...changed, version: 0 }));
    expect(value).toEqual(DEFAULT_SETTINGS);
    expect(problems).toEqual(['The saved settings are version 0; this Membrana reads version 1, so it uses the defaults.']);
    expect(parseSettings(JSON.stringify(changed)).problems[0]).toContain('version undefined');
  });

  it('falls back for a stored value that is not an object', () => {
    for (const json of ['null', '[1,2]', '"settings"', '42']) {
      const { value, problems } = parseSettings(json);
      expect(value).toEqual(DEFAULT_SETTINGS);
      expect(problems[0]).toMatch(/are not a group of settings; using the defaults\.$/);
    }
  });

  it('keeps the good fields and replaces each broken one by its default, naming field and value', () => {
    const stored = {
      version: 1,
      display: { ...changed.display, predictionOpacity: 7, colormap: 'viridis', threshold: 12.5 },
      tools: { tool: 'eraser', label: 'cell', brushRadius: '9' },
      panels: 'wide',
      compute: { ...changed.compute, fineTuneSteps: null },
      export: changed.export,
    };
    const { value, problems } = parseSettings(JSON.stringify(stored));
    expect(value.display).toEqual({ ...changed.display, predictionOpacity: 0.55, colormap: 'magenta', threshold: 128 });
    expect(value.tools).toEqual({ tool: 'navigate', label: 'cell', brushRadius: 3 });
    expect(value.panels).toEqual(DEFAULT_SETTINGS.panels);
    expect(value.compute).toEqual({ ...changed.compute, fineTuneSteps: 60 });
    expect(value.export).toEqual(changed.export);
    expect(problems).toEqual([
      'display.predictionOpacity 7 is outside 0–1; using 0.55.',
      'display.colormap "viridis" is not one of magenta, violet, magma; using "magenta".',
      'display.threshold 12.5 is not a whole number; using 128.',
      'tools.tool "eraser" is not one of navigate, brush, fill, lasso, select, merge, cut, seeds; using "navigate".',
      'tools.brushRadius "9" is not a number; using 3.',
      'panels "wide" is not a group of settings; using the defaults.',
      'compute.fineTuneSteps null is not a number; using 60.',
    ]);
  });

  it('takes the default, without a problem, for a field or section added since the settings were saved', () => {
    const { display, tools } = changed;
    const { value, problems } = parseSettings(JSON.stringify({ version: 1, display: { ...display, labelsOpacity: undefined }, tools }));
    expect(problems).toEqual([]);
    expect(value.display.labelsOpacity).toBe(DEFAULT_SETTINGS.display.labelsOpacity);
    expect(value.tools).toEqual(tools);
    expect(value.export).toEqual(DEFAULT_SETTINGS.export);
  });

  it('never shares objects with the defaults', () => {
    const { value } = parseSettings(null);
    value.display.threshold = 3;
    expect(DEFAULT_SETTINGS.display.threshold).toBe(128);
  });
});

describe('checkPatch', () => {
  it('accepts values that keep their rules', () => {
    expect(() => checkPatch('display', { predictionOpacity: 0, threshold: 255 })).not.toThrow();
    expect(() => checkPatch('panels', { tab: 'review', leftWidth: 240 })).not.toThrow();
  });

  it('throws naming the field and the value otherwise', () => {
    expect(() => checkPatch('display', { predictionOpacity: 1.5 })).toThrow('Setting display.predictionOpacity to 1.5: it is outside 0–1.');
    expect(() => checkPatch('panels', { leftWidth: 90 })).toThrow('Setting panels.leftWidth to 90: it is outside 240–480.');
    expect(() => checkPatch('tools', { nonsense: 1 } as never)).toThrow('There is no setting tools.nonsense.');
  });
});
