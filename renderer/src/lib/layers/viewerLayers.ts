import type { ViewerInput } from '../input/ViewerInput.svelte.js';
import type { SliceStore } from '../SliceStore.svelte.js';
import type { Workspace } from '../Workspace.svelte.js';
import { CorrectionLayer, type CorrectionSource } from './CorrectionLayer.js';
import { ImageLayer } from './ImageLayer.js';
import { LabelImageLayer } from './LabelImageLayer.js';
import { clampOpacity } from './LayerSettings.svelte.js';
import { LayerStack } from './LayerStack.js';
import { PredictionLayer } from './PredictionLayer.js';
import { ReviewBoxLayer } from './ReviewBoxLayer.js';
import { SegmentLayer } from './SegmentLayer.js';
import { TileLayer } from './TileLayer.js';
import { BrushCursorLayer, cutLineLayer, lassoLayer, SeedsLayer } from './toolLayers.js';

/**
 * The slice on screen, which the layers show: for a volume in memory the slice that has arrived
 * (the previous one stays while the next loads), for a lazily read volume the one asked for
 * (its tiles come in as they load). Null when there is nothing to show.
 */
export function shownSlice(slices: SliceStore): number | null {
  if (!slices.volume) return null;
  if (slices.volume.kind === 'tiled') return slices.z;
  return slices.slice?.z ?? null;
}

/**
 * The slice viewer's layers, bottom first: the image (in memory, or tiles), a label image opened
 * over it, the predicted membranes, the corrections, the neuron segments, then the tool
 * overlays (place to check, seeds, cut line, lasso, brush outline). Each reads the workspace's
 * state; visibility and opacity go to the owner the keys also change (O, C, I, Shift+I).
 */
export function viewerLayers(workspace: Workspace, input: ViewerInput): LayerStack {
  const slices = workspace.slices;
  const z = (): number => shownSlice(slices) ?? slices.z;
  const range = (): { low: number; high: number } => ({ low: workspace.window.low, high: workspace.window.high });
  const style = (): ReturnType<CorrectionSource['style']> => workspace.project?.style.style ?? null;
  const overlay: CorrectionSource = {
    open: () => workspace.project !== null,
    z,
    layers: (at) => workspace.project?.layers(at) ?? null,
    revision: () => workspace.project?.revision ?? -1,
    style,
    takeChanges: () => workspace.project?.takeChanges() ?? 'all',
    setShown: (part, shown) => {
      const state = workspace.project?.style;
      if (!state) return;
      if (part === 'prediction' && state.showPrediction !== shown) state.togglePrediction();
      if (part === 'corrections' && state.showCorrections !== shown) state.toggleCorrections();
    },
    setOpacity: (part, opacity) => {
      const state = workspace.project?.style;
      if (part === 'prediction') state?.setOpacity(opacity);
      else state?.setCorrectionOpacity(opacity);
    },
  };
  const live = (at: number): ReturnType<ViewerInput['liveGesture']> => input.liveGesture(at);
  return new LayerStack([
    new ImageLayer({ slice: () => (slices.volume?.kind === 'memory' ? slices.slice : null), range }),
    new TileLayer({ volume: () => (slices.volume?.kind === 'tiled' ? slices.volume : null), tiles: workspace.tiles, range }),
    new LabelImageLayer({
      labels: () => (workspace.labels?.kind === 'tiled' ? workspace.labels : null),
      tiles: workspace.labelTiles,
      visible: () => workspace.labelsVisible,
      setVisible: (visible) => (workspace.labelsVisible = visible),
      opacity: () => workspace.labelsOpacity,
      setOpacity: (opacity) => (workspace.labelsOpacity = clampOpacity(opacity)),
    }),
    new PredictionLayer(overlay),
    new CorrectionLayer(overlay),
    new SegmentLayer(() => workspace.project?.neurons ?? null, z),
    new ReviewBoxLayer(
      () => workspace.project?.currentReview ?? null,
      () => slices.volume,
    ),
    new SeedsLayer(() => workspace.project?.neurons.tools.seeds ?? []),
    cutLineLayer(live, z),
    lassoLayer(live, z),
    new BrushCursorLayer({
      cursor: () => workspace.cursor,
      brush: () => {
        const tools = workspace.project?.tools;
        return tools?.tool === 'brush' && !input.spaceDown ? { radius: tools.radius, label: tools.labelName } : null;
      },
    }),
  ]);
}
