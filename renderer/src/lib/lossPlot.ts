/** A tick on an axis: where (in plot pixels) and its label. */
export interface Tick {
  at: number;
  label: string;
}

/** Where things go in the loss plot: the plot area, the line, and the ticks of both axes. */
export interface LossPlotLayout {
  /** The plot area inside the axes' labels. */
  area: { x: number; y: number; width: number; height: number };
  /** SVG path of the loss over steps ('' with fewer than 2 losses). */
  path: string;
  xTicks: Tick[];
  yTicks: Tick[];
}

/** Room for the loss labels on the left and the step labels below. */
const LEFT = 34;
const BOTTOM = 14;
const TOP = 5;
const RIGHT = 6;

/**
 * Lays out the loss plot of a fine-tune. The losses are reported evenly through the steps done so
 * far (`step` of `steps`), so the x axis runs over all the steps and the line grows to the right as
 * training goes on; the y axis spans the losses seen, labelled at its ends and middle.
 */
export function lossPlotLayout(losses: readonly number[], step: number, steps: number, width: number, height: number): LossPlotLayout {
  const area = { x: LEFT, y: TOP, width: Math.max(1, width - LEFT - RIGHT), height: Math.max(1, height - TOP - BOTTOM) };
  const total = Math.max(1, steps, step);
  const done = Math.max(losses.length, Math.min(step, total));
  const xTicks = [0, total / 2, total].map((s) => ({ at: area.x + (s / total) * area.width, label: s === total ? `${formatStep(s)} steps` : formatStep(s) }));
  const finite = losses.filter(Number.isFinite);
  if (finite.length === 0) return { area, path: '', xTicks, yTicks: [] };
  const max = Math.max(...finite);
  const min = Math.min(...finite);
  const span = max - min || Math.abs(max) || 1;
  const low = max === min ? min - span / 2 : min;
  const high = max === min ? max + span / 2 : max;
  const y = (loss: number): number => area.y + area.height - ((loss - low) / (high - low)) * area.height;
  const yTicks = [high, (high + low) / 2, low].map((loss) => ({ at: y(loss), label: formatLoss(loss) }));
  let path = '';
  if (losses.length >= 2) {
    losses.forEach((loss, k) => {
      if (!Number.isFinite(loss)) return;
      // The k-th of n reports came after (k + 1) / n of the steps done.
      const x = area.x + (((k + 1) / losses.length) * done * area.width) / total;
      path += `${path === '' ? 'M' : 'L'}${x.toFixed(1)},${y(loss).toFixed(1)}`;
    });
  }
  return { area, path, xTicks, yTicks };
}

function formatStep(step: number): string {
  return Math.round(step).toLocaleString('en');
}

/** Three significant figures, as loss values are read (0.693, 0.0421, 1.25). */
function formatLoss(loss: number): string {
  if (loss === 0) return '0';
  return Math.abs(loss) >= 1000 ? loss.toExponential(1) : Number(loss.toPrecision(3)).toString();
}
