import type { Progress } from '../../protocol/contract.js';

/** Progress on stderr: one rewritten line on a terminal, a line every few seconds otherwise. */
export function progressPrinter(stream: NodeJS.WriteStream = process.stderr): { update(progress: Progress): void; done(): void } {
  let lastLine = 0;
  let shown = false;
  return {
    update(progress) {
      const percent = progress.fraction === null ? '' : ` ${(progress.fraction * 100).toFixed(0)}%`;
      const eta = progress.etaSeconds === undefined ? '' : `, ${formatSeconds(progress.etaSeconds)} left`;
      const line = `${progress.stage}${percent}${eta}`;
      if (stream.isTTY) {
        stream.write(`\r${line.padEnd(stream.columns ? Math.min(stream.columns - 1, 100) : 80)}`);
        shown = true;
      } else if (Date.now() - lastLine > 5000 || progress.fraction === 1) {
        stream.write(`${line}\n`);
        lastLine = Date.now();
      }
    },
    done() {
      if (shown) stream.write('\n');
      shown = false;
    },
  };
}

export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}
