import type { NeuronSession } from '../neurons/NeuronSession.svelte.js';
import { SegmentGesture, type SegmentTool } from '../neurons/SegmentGesture.js';
import type { Point } from '../Viewport.svelte.js';
import { CorrectionGesture, type CorrectionTool } from './CorrectionGesture.js';
import type { Gesture } from './Gesture.js';
import { PendingGesture } from './PendingGesture.js';
import type { ProjectSession } from './ProjectSession.svelte.js';

/** Shows an error; `lasting` for one that must stay until dismissed (an edit refused), not go with the slice. */
type Report = (title: string, message: string, lasting?: boolean) => void;

/**
 * Starts a correction (brush, fill, lasso) on slice z, the slice the user navigated to, with the
 * tool, label, brush size and model as they are at this press. If z's layers are loaded it starts
 * at once; if not, it waits for them (counted as unsaved meanwhile) and is then applied to z, or
 * refused with a message. A fill follows the prediction, so it is refused if the active model
 * changed while it waited. Null when the tool is not a correction tool.
 */
export function beginCorrection(project: ProjectSession, z: number, tools: CorrectionTool, point: Point, pointerId: number, report: Report): Gesture | null {
  const tool: CorrectionTool = { tool: tools.tool, label: tools.label, radius: tools.radius };
  if (tool.tool !== 'brush' && tool.tool !== 'fill' && tool.tool !== 'lasso') return null;
  const model = project.info.activeModel;
  const begin = (first: Point): Gesture | null => CorrectionGesture.start(project, z, tool, first, pointerId, report);
  if (project.layers(z)) return begin(point);
  const ready = loadLayers(project, z).then((loaded) => {
    if (!loaded) return `Slice ${z}'s corrections could not be loaded (see the message before), so the ${tool.tool} there was not applied. Go to slice ${z} and try again.`;
    if (tool.tool === 'fill' && project.info.activeModel !== model) {
      return `The model changed from ${model} to ${project.info.activeModel} while slice ${z} was loading, and a fill follows the prediction, so it was not applied. Click again to fill with ${project.info.activeModel}'s prediction.`;
    }
    return null;
  });
  markWaiting();
  return new PendingGesture(pointerId, z, point, ready, begin, (reason) => report(`The ${tool.tool} on slice ${z} was not applied`, reason, true), project.holdEdit());
}

/**
 * Starts a segment tool's press (select, merge, cut, seeds) on slice z, reading the segment ids of
 * the segmentation open at this press. If z's ids are not loaded yet it waits for them and is then
 * applied to z; it is refused with a message if they cannot be loaded or the neurons were
 * segmented again meanwhile (the ids clicked would name other neurons).
 */
export function beginSegmentEdit(project: ProjectSession, neurons: NeuronSession, z: number, tool: SegmentTool, point: Point, pointerId: number, additive: boolean, report: Report): Gesture | null {
  const segmentation = neurons.info?.created ?? null;
  const begin = (first: Point): Gesture | null => SegmentGesture.start(neurons, z, tool, first, pointerId, additive, neurons.tools);
  if (neurons.slice(z)) return begin(point);
  const ready = neurons.load(z).then(() => {
    if ((neurons.info?.created ?? null) !== segmentation) return `The neurons were segmented again while slice ${z} was loading, so the click there was not applied. Click again on the new segments.`;
    if (!neurons.slice(z)) return `The segments of slice ${z} could not be loaded (see the message before), so the click there was not applied. Go to slice ${z} and try again.`;
    return null;
  });
  markWaiting();
  return new PendingGesture(pointerId, z, point, ready, begin, (reason) => report(`The ${tool} on slice ${z} was not applied`, reason, true), project.holdEdit());
}

/** Marks an edit that had to wait for its slice (the e2e test counts them, to show it met the race). */
function markWaiting(): void {
  globalThis.performance?.mark?.('membrana-edit-waits');
}

/** Loads slice z's layers; true once they are in the session's cache (a load may be evicted by another before it is used, so look again). */
async function loadLayers(project: ProjectSession, z: number): Promise<boolean> {
  for (let attempt = 0; attempt < 3; attempt++) {
    if ((await project.load(z)) === null) return false;
    if (project.layers(z)) return true;
  }
  return project.layers(z) !== null;
}
