import type { Diagnostics } from '../../../protocol/contract.js';
import { uiLog, type UiLog } from './uiLog.js';

/** What the page knows about itself, for the report. */
export interface PageFacts {
  /** 'electron' (the desktop app), 'browser' (serve mode), or null when the engine was never reached. */
  host: string | null;
  userAgent: string;
  /** The window's size in CSS pixels and its device pixel ratio. */
  screen: { width: number; height: number; pixelRatio: number };
}

/** The part of the engine client the report needs. */
export interface DiagnosticsSource {
  diagnostics(args: Record<string, never>): Promise<Diagnostics>;
}

/** The page as it is now. */
export function pageFacts(host: string | null): PageFacts {
  return { host, userAgent: navigator.userAgent, screen: { width: innerWidth, height: innerHeight, pixelRatio: devicePixelRatio } };
}

/**
 * Help › Copy diagnostics: a text block for a bug report. It never fails: when the engine cannot
 * be asked (not connected, stopped), the report says why and gives the engine's warnings and
 * errors this window received instead of the engine's own log.
 */
export async function diagnosticsText(engine: DiagnosticsSource | null, page: PageFacts, log: UiLog = uiLog): Promise<string> {
  let report: Diagnostics | { error: string };
  if (!engine) report = { error: 'the window is not connected to the engine' };
  else {
    try {
      report = await engine.diagnostics({});
    } catch (error) {
      report = { error: (error as Error).message };
    }
  }
  return formatDiagnostics(report, page, log);
}

/** The report as plain text: a header of facts, then the log lines. */
export function formatDiagnostics(report: Diagnostics | { error: string }, page: PageFacts, log: UiLog, now: Date = new Date()): string {
  const rows: [string, string][] = [];
  const out = [`Membrana diagnostics, ${now.toISOString()}`, ''];
  if ('error' in report) {
    rows.push(['Engine', `not reachable: ${report.error}`]);
  } else {
    rows.push(['Membrana', `${report.app.version} (engine in ${report.app.host === 'electron' ? "Electron's utility process" : report.app.host === 'serve' ? 'serve mode' : report.app.host})`]);
    rows.push(['Versions', Object.entries(report.versions).map(([name, version]) => `${name} ${version}`).join(', ')]);
    const p = report.platform;
    rows.push(['Platform', `${p.os} ${p.release} ${p.arch}, ${p.cpus} × ${p.cpuModel}, ${p.memoryGiB} GiB`]);
    rows.push(['Prediction', 'error' in report.prediction ? `none started: ${report.prediction.error}` : `${report.prediction.choice}: ${report.prediction.description}`]);
    if (!('error' in report.prediction)) for (const skipped of report.prediction.skipped) rows.push(['  passed over', skipped]);
    rows.push(['Training', report.training]);
    rows.push(['Log level', report.logLevel]);
    rows.push(['Log file', report.logFile ?? 'none (the log is kept in memory only)']);
  }
  rows.push(['Window', `${page.host ?? 'not connected'}, ${page.screen.width}×${page.screen.height} CSS px at ${page.screen.pixelRatio}×`]);
  rows.push(['Browser', page.userAgent]);
  out.push(...rows.map(([name, value]) => `${`${name}:`.padEnd(16)}${value}`));

  const section = (title: string, lines: string[]): void => {
    out.push('', `${title} (${lines.length}):`);
    out.push(...(lines.length > 0 ? lines : ['(none)']));
  };
  if ('error' in report) section("The engine's warnings and errors this window received", log.engineLines());
  else section(`The engine's last log lines${report.logFile ? ` (${report.logFile})` : ''}`, report.logLines);
  section("This window's warnings and errors", log.ownLines());
  return `${out.join('\n')}\n`;
}
