import { untrack } from 'svelte';
import { applySettings, readSettings, type SettingsTarget } from './projectSettings.js';
import type { Settings } from './Settings.svelte.js';
import { MEMORY_BUDGET_LIMITS } from './settingsSchema.js';

/** What bindSettings keeps in step with the settings: the Workspace, in the app. */
export interface SettingsHost {
  readonly project: SettingsTarget | null;
  labelsOpacity: number;
  /** The tile cache, whose budget is the memory budget setting. */
  readonly tiles: { readonly budgetBytes: number; setBudget(megabytes: number): void };
}

/**
 * Keeps the settings and the app in step, for as long as the calling component lives: each
 * project that opens takes the saved display, tools and compute choices, and every later change
 * to them (a key, a slider, a button) is saved. Call it while a component initialises.
 */
export function bindSettings(settings: Settings, host: SettingsHost): void {
  let applied: SettingsTarget | null = null;
  untrack(() => {
    host.labelsOpacity = settings.display.labelsOpacity;
    host.tiles.setBudget(settings.compute.memoryBudgetMb);
  });
  $effect(() => {
    const project = host.project;
    if (!project) {
      applied = null;
      return;
    }
    if (project !== applied) {
      untrack(() => applySettings(settings.value, project));
      applied = project;
    }
    const now = readSettings(project);
    untrack(() => {
      settings.update('display', now.display);
      settings.update('tools', now.tools);
      settings.update('compute', now.compute);
    });
  });
  $effect(() => {
    const megabytes = Math.round(host.tiles.budgetBytes / 2 ** 20);
    const { least, most } = MEMORY_BUDGET_LIMITS;
    untrack(() => settings.update('compute', { memoryBudgetMb: Math.min(most, Math.max(least, megabytes)) }));
  });
  $effect(() => {
    const opacity = Math.min(1, Math.max(0.05, host.labelsOpacity));
    untrack(() => settings.update('display', { labelsOpacity: opacity }));
  });
}
