import type { MeshFormat } from '../../../../protocol/contract.js';
import { COLORMAP_NAMES, type ColormapName } from '../paint/overlayColors.js';
import { MAX_BRUSH, MIN_BRUSH, type ToolName } from '../project/ToolState.svelte.js';
import { DEFAULT_BUDGET_MB } from '../TileStore.svelte.js';

/**
 * The user's settings: what is kept between sessions, by section. Each field has a rule; a stored
 * value that breaks its rule, or a store of another version, falls back to the defaults with a
 * problem that names the field, the value and what was used instead.
 */

export const SETTINGS_VERSION = 1;

/** The left panel's tabs, in the order they are shown. */
export const PANEL_TABS = ['project', 'predict', 'correct', 'learn', 'neurons', 'export', 'review'] as const;
export type PanelTab = (typeof PANEL_TABS)[number];

const TOOL_NAMES: readonly ToolName[] = ['navigate', 'brush', 'fill', 'lasso', 'select', 'merge', 'cut', 'seeds'];
const MESH_FORMATS: readonly MeshFormat[] = ['glb', 'obj', 'stl', 'ply', 'precomputed'];

export interface DisplaySettings {
  predictionVisible: boolean;
  /** 0..1, at probability 255 */
  predictionOpacity: number;
  colormap: ColormapName;
  predictionMode: 'probability' | 'threshold';
  /** 0..255 */
  threshold: number;
  correctionsVisible: boolean;
  correctionsOpacity: number;
  segmentsVisible: boolean;
  segmentsOpacity: number;
  segmentsOutline: boolean;
  /** The opacity of a label image opened over the volume. */
  labelsOpacity: number;
}

export interface ToolSettings {
  tool: ToolName;
  /** What brush, fill and lasso paint. */
  label: 'membrane' | 'cell';
  /** Image pixels. */
  brushRadius: number;
}

export interface PanelSettings {
  tab: PanelTab;
  leftOpen: boolean;
  /** CSS pixels, of the open tab beside the tab rail. */
  leftWidth: number;
  rightOpen: boolean;
  rightWidth: number;
  /** The image layer's brightness and contrast controls. */
  contrastOpen: boolean;
}

export interface ComputeSettings {
  testTimeAugmentation: boolean;
  fineTuneSteps: number;
  /** Link 2D segments across slices when they overlap at least this much. */
  linkThreshold: number;
  /** The memory budget (MB) for the tiles of a volume read by tiles (the status bar's cache). */
  memoryBudgetMb: number;
}

export interface ExportSettings {
  meshFormat: MeshFormat;
  meshUnits: 'um' | 'nm';
  /** One file for all neurons (a scene) rather than one per neuron. */
  meshOneFile: boolean;
}

export interface SettingsValue {
  display: DisplaySettings;
  tools: ToolSettings;
  panels: PanelSettings;
  compute: ComputeSettings;
  export: ExportSettings;
}

export type SettingsSection = keyof SettingsValue;

/** The memory budgets the status bar offers for a tiled volume's cache (MB). */
export const MEMORY_BUDGETS_MB = [128, 256, 512, 1024, 2048, 4096] as const;
/** The least and most memory budget a setting may hold (MB): the list's ends. */
export const MEMORY_BUDGET_LIMITS = { least: MEMORY_BUDGETS_MB[0], most: MEMORY_BUDGETS_MB[MEMORY_BUDGETS_MB.length - 1]! } as const;

/** How wide the side panels may be dragged (CSS pixels): narrower, their controls no longer fit. */
export const PANEL_WIDTHS = { left: { min: 240, max: 480 }, right: { min: 200, max: 400 } } as const;

type Rule = { kind: 'boolean' } | { kind: 'number'; min: number; max: number; integer?: boolean } | { kind: 'choice'; values: readonly string[] };

const flag: Rule = { kind: 'boolean' };
const share: Rule = { kind: 'number', min: 0, max: 1 };
const range = (min: number, max: number, integer = false): Rule => ({ kind: 'number', min, max, integer });
const choice = (values: readonly string[]): Rule => ({ kind: 'choice', values });

const RULES: { [S in SettingsSection]: { [K in keyof SettingsValue[S]]: Rule } } = {
  display: {
    predictionVisible: flag,
    predictionOpacity: share,
    colormap: choice(COLORMAP_NAMES),
    predictionMode: choice(['probability', 'threshold']),
    threshold: range(0, 255, true),
    correctionsVisible: flag,
    correctionsOpacity: share,
    segmentsVisible: flag,
    segmentsOpacity: share,
    segmentsOutline: flag,
    labelsOpacity: range(0.05, 1),
  },
  tools: { tool: choice(TOOL_NAMES), label: choice(['membrane', 'cell']), brushRadius: range(MIN_BRUSH, MAX_BRUSH) },
  panels: {
    tab: choice(PANEL_TABS),
    leftOpen: flag,
    leftWidth: range(PANEL_WIDTHS.left.min, PANEL_WIDTHS.left.max, true),
    rightOpen: flag,
    rightWidth: range(PANEL_WIDTHS.right.min, PANEL_WIDTHS.right.max, true),
    contrastOpen: flag,
  },
  compute: { testTimeAugmentation: flag, fineTuneSteps: range(1, 5000, true), linkThreshold: range(0.05, 1), memoryBudgetMb: range(MEMORY_BUDGET_LIMITS.least, MEMORY_BUDGET_LIMITS.most, true) },
  export: { meshFormat: choice(MESH_FORMATS), meshUnits: choice(['um', 'nm']), meshOneFile: flag },
};

export const DEFAULT_SETTINGS: SettingsValue = {
  display: {
    predictionVisible: true,
    predictionOpacity: 0.55,
    colormap: 'magenta',
    predictionMode: 'probability',
    threshold: 128,
    correctionsVisible: true,
    correctionsOpacity: 0.8,
    segmentsVisible: true,
    segmentsOpacity: 0.45,
    segmentsOutline: false,
    labelsOpacity: 0.45,
  },
  tools: { tool: 'navigate', label: 'membrane', brushRadius: 3 },
  panels: { tab: 'predict', leftOpen: true, leftWidth: 280, rightOpen: true, rightWidth: 250, contrastOpen: false },
  compute: { testTimeAugmentation: false, fineTuneSteps: 60, linkThreshold: 0.5, memoryBudgetMb: DEFAULT_BUDGET_MB },
  export: { meshFormat: 'glb', meshUnits: 'um', meshOneFile: true },
};

/** Why a value breaks its rule, or null when it keeps it. */
function breach(rule: Rule, value: unknown): string | null {
  switch (rule.kind) {
    case 'boolean':
      return typeof value === 'boolean' ? null : 'is not true or false';
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'is not a number';
      if (value < rule.min || value > rule.max) return `is outside ${rule.min}–${rule.max}`;
      return rule.integer && !Number.isInteger(value) ? 'is not a whole number' : null;
    case 'choice':
      return typeof value === 'string' && rule.values.includes(value) ? null : `is not one of ${rule.values.join(', ')}`;
  }
}

const show = (value: unknown): string => (typeof value === 'string' ? `"${value}"` : (JSON.stringify(value) ?? String(value)));
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * One section from stored data: each field that keeps its rule, the default for the others. A
 * missing field (added in a later release) is not a problem; a broken one is.
 */
function readSection<S extends SettingsSection>(section: S, stored: unknown, problems: string[]): SettingsValue[S] {
  const defaults = DEFAULT_SETTINGS[section];
  if (stored === undefined) return { ...defaults };
  if (!isRecord(stored)) {
    problems.push(`${section} ${show(stored)} is not a group of settings; using the defaults.`);
    return { ...defaults };
  }
  const result: Record<string, unknown> = { ...defaults };
  for (const [key, rule] of Object.entries(RULES[section]) as [string, Rule][]) {
    if (!(key in stored)) continue;
    const why = breach(rule, stored[key]);
    if (why) problems.push(`${section}.${key} ${show(stored[key])} ${why}; using ${show(result[key])}.`);
    else result[key] = stored[key];
  }
  return result as unknown as SettingsValue[S];
}

/** Settings from their stored JSON (null: nothing stored), with what could not be used. */
export function parseSettings(json: string | null): { value: SettingsValue; problems: string[] } {
  const problems: string[] = [];
  if (json === null) return { value: structuredClone(DEFAULT_SETTINGS), problems };
  let stored: unknown;
  try {
    stored = JSON.parse(json);
  } catch (error) {
    return { value: structuredClone(DEFAULT_SETTINGS), problems: [`The saved settings are not JSON (${(error as Error).message}); using the defaults.`] };
  }
  if (!isRecord(stored)) return { value: structuredClone(DEFAULT_SETTINGS), problems: [`The saved settings ${show(stored)} are not a group of settings; using the defaults.`] };
  if (stored.version !== SETTINGS_VERSION) {
    return { value: structuredClone(DEFAULT_SETTINGS), problems: [`The saved settings are version ${show(stored.version)}; this Membrana reads version ${SETTINGS_VERSION}, so it uses the defaults.`] };
  }
  const value = {} as Record<SettingsSection, unknown>;
  for (const section of Object.keys(RULES) as SettingsSection[]) value[section] = readSection(section, stored[section], problems);
  return { value: value as unknown as SettingsValue, problems };
}

/** The stored form: JSON with the version. */
export function serializeSettings(value: SettingsValue): string {
  return JSON.stringify({ version: SETTINGS_VERSION, ...value });
}

/**
 * A change to one section, checked field by field: a value that breaks its rule is a programming
 * error, and throws naming the field and value.
 */
export function checkPatch<S extends SettingsSection>(section: S, patch: Partial<SettingsValue[S]>): void {
  for (const [key, value] of Object.entries(patch)) {
    const rule = (RULES[section] as Record<string, Rule | undefined>)[key];
    if (!rule) throw new Error(`There is no setting ${section}.${key}.`);
    const why = breach(rule, value);
    if (why) throw new RangeError(`Setting ${section}.${key} to ${show(value)}: it ${why}.`);
  }
}
