// @vitest-environment jsdom
// Effects run only in a browser-like environment.
import { flushSync } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { LABEL } from '../../../../protocol/contract.js';
import { ProjectSession } from '../project/ProjectSession.svelte.js';
import { FakeProjectEngine } from '../testing/fakeProjectEngine.js';
import { bindSettings, type SettingsHost } from './bindSettings.svelte.js';
import { Settings, type SettingsStorage } from './Settings.svelte.js';

class Host implements SettingsHost {
  project = $state.raw<ProjectSession | null>(null);
  labelsOpacity = $state(0.45);
  readonly tiles = new (class {
    budgetBytes = $state(512 * 2 ** 20);
    setBudget(megabytes: number): void {
      this.budgetBytes = megabytes * 2 ** 20;
    }
  })();
}

function openProject(): ProjectSession {
  const engine = new FakeProjectEngine(8, 8, 4);
  return new ProjectSession(engine.info, () => engine.client, () => {});
}

function memoryStorage(): SettingsStorage {
  const items = new Map<string, string>();
  return { getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value) };
}

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
});

/** Binds as a component would, for the rest of the test. */
function bind(settings: Settings, host: Host): void {
  cleanups.push($effect.root(() => bindSettings(settings, host)));
  flushSync();
}

describe('bindSettings', () => {
  it('saves what the user changes in a project, and gives the next project (after a reload) the same', () => {
    const storage = memoryStorage();
    const host = new Host();
    bind(new Settings(storage), host);
    const first = openProject();
    host.project = first;
    flushSync();
    first.style.setOpacity(0.3);
    first.style.setColormap('magma');
    first.style.toggleThreshold();
    first.style.setCorrectionOpacity(0.4);
    first.style.toggleCorrections();
    first.neurons.toggleOutline();
    first.tools.select('fill', LABEL.cell);
    first.tools.setRadius(11);
    first.tta = true;
    host.labelsOpacity = 0.7;
    host.tiles.setBudget(2048);
    flushSync();

    // A reload: new settings read from the same storage, a new host and project.
    const settings = new Settings(storage);
    const next = new Host();
    bind(settings, next);
    expect(next.labelsOpacity).toBe(0.7);
    // The memory budget chosen in the status bar is the next window's too.
    expect(next.tiles.budgetBytes).toBe(2048 * 2 ** 20);
    const second = openProject();
    next.project = second;
    flushSync();
    expect(second.style.style).toEqual({ showPrediction: true, mode: 'threshold', threshold: 128, opacity: 0.3, colormap: 'magma', showCorrections: false, correctionOpacity: 0.4 });
    expect(second.neurons.outline).toBe(true);
    expect(second.neurons.show).toBe(true);
    expect([second.tools.tool, second.tools.label, second.tools.radius]).toEqual(['fill', LABEL.cell, 11]);
    expect(second.tta).toBe(true);
    expect(settings.problems).toEqual([]);
  });

  it('applies the settings to each project as it opens, not only the first', () => {
    const settings = new Settings(memoryStorage());
    settings.update('tools', { tool: 'lasso', brushRadius: 20 });
    const host = new Host();
    bind(settings, host);
    host.project = openProject();
    flushSync();
    host.project.tools.select('brush', LABEL.membrane);
    flushSync();
    expect(settings.tools.tool).toBe('brush');
    host.project = null;
    flushSync();
    const other = openProject();
    host.project = other;
    flushSync();
    expect(other.tools.tool).toBe('brush');
    expect(other.tools.radius).toBe(20);
  });
});
