import { LABEL } from '../../../../protocol/contract.js';
import type { NeuronSession } from '../neurons/NeuronSession.svelte.js';
import type { OverlayStyleState } from '../project/OverlayStyleState.svelte.js';
import type { ToolState } from '../project/ToolState.svelte.js';
import type { ComputeSettings, DisplaySettings, SettingsValue, ToolSettings } from './settingsSchema.js';

/** The parts of an open project that settings carry from one session to the next. */
export interface SettingsTarget {
  readonly tools: ToolState;
  readonly style: OverlayStyleState;
  readonly neurons: Pick<NeuronSession, 'show' | 'outline' | 'opacity' | 'toggleShow' | 'toggleOutline' | 'setOpacity'>;
  tta: boolean;
}

/** What a project's display holds (the label image's opacity lives with the workspace). */
export type ProjectDisplay = Omit<DisplaySettings, 'labelsOpacity'>;

/** Sets a newly opened project's display, tools and compute choices from the settings. */
export function applySettings(settings: SettingsValue, project: SettingsTarget): void {
  const { display, tools, compute } = settings;
  const style = project.style;
  style.setShowPrediction(display.predictionVisible);
  style.setOpacity(display.predictionOpacity);
  style.setColormap(display.colormap);
  style.setMode(display.predictionMode);
  style.setThreshold(display.threshold);
  style.setShowCorrections(display.correctionsVisible);
  style.setCorrectionOpacity(display.correctionsOpacity);
  const neurons = project.neurons;
  if (neurons.show !== display.segmentsVisible) neurons.toggleShow();
  if (neurons.outline !== display.segmentsOutline) neurons.toggleOutline();
  neurons.setOpacity(display.segmentsOpacity);
  project.tools.select(tools.tool, tools.label === 'cell' ? LABEL.cell : LABEL.membrane);
  project.tools.setRadius(tools.brushRadius);
  project.tta = compute.testTimeAugmentation;
}

/** A project's display, tools and compute choices as settings; reading it subscribes to each. */
export function readSettings(project: SettingsTarget): { display: ProjectDisplay; tools: ToolSettings; compute: Pick<ComputeSettings, 'testTimeAugmentation'> } {
  const { style, neurons, tools } = project;
  return {
    display: {
      predictionVisible: style.showPrediction,
      predictionOpacity: style.opacity,
      colormap: style.colormap,
      predictionMode: style.mode,
      threshold: style.threshold,
      correctionsVisible: style.showCorrections,
      correctionsOpacity: style.correctionOpacity,
      segmentsVisible: neurons.show,
      segmentsOpacity: neurons.opacity,
      segmentsOutline: neurons.outline,
    },
    tools: { tool: tools.tool, label: tools.labelName, brushRadius: tools.radius },
    compute: { testTimeAugmentation: project.tta },
  };
}
