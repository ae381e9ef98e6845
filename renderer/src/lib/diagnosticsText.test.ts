import { describe, expect, it, vi } from 'vitest';
import type { Diagnostics } from '../../../protocol/contract.js';
import { EngineError } from '../../../protocol/RpcClient.js';
import { diagnosticsText, formatDiagnostics, type PageFacts } from './diagnosticsText.js';
import { UiLog } from './uiLog.js';

const page: PageFacts = { host: 'browser', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0', screen: { width: 1366, height: 768, pixelRatio: 1 } };

const report: Diagnostics = {
  app: { version: '0.1.0', host: 'serve' },
  versions: { node: '20.19.0', v8: '11.3', 'onnxruntime-node': '1.31.1', '@tensorflow/tfjs-core': '4.22.0' },
  platform: { os: 'linux', release: '6.1.0', arch: 'x64', cpus: 2, cpuModel: 'AMD EPYC', memoryGiB: 7.8 },
  prediction: { choice: 'cpu', description: 'ONNX Runtime CPU (2 threads)', skipped: ['cuda: the CUDA provider is not installed'] },
  training: 'automatic (the fastest that loads: node-gpu, webgpu, node, wasm, cpu)',
  logLevel: 'info',
  logFile: '/home/ann/.config/membrana/logs/membrana.log',
  logLines: ['2026-01-01T00:00:00.000Z INFO  engine: Engine started host=serve', '2026-01-01T00:00:01.000Z WARN  project: Journal repaired'],
};

function quietLog(): UiLog {
  const log = new UiLog();
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  log.warn('Saved settings: display.threshold is not a number');
  warn.mockRestore();
  log.engine({ level: 'error', source: 'zarr', message: 'x', line: '2026-01-01T00:00:02.000Z ERROR zarr: chunk unreadable' });
  return log;
}

describe('formatDiagnostics', () => {
  it('gives the facts as aligned rows, then the engine\'s log lines and the window\'s own', () => {
    const text = formatDiagnostics(report, page, quietLog(), new Date('2026-01-02T03:04:05.000Z'));
    expect(text.split('\n').slice(0, 14)).toEqual([
      'Membrana diagnostics, 2026-01-02T03:04:05.000Z',
      '',
      'Membrana:       0.1.0 (engine in serve mode)',
      'Versions:       node 20.19.0, v8 11.3, onnxruntime-node 1.31.1, @tensorflow/tfjs-core 4.22.0',
      'Platform:       linux 6.1.0 x64, 2 × AMD EPYC, 7.8 GiB',
      'Prediction:     cpu: ONNX Runtime CPU (2 threads)',
      '  passed over:  cuda: the CUDA provider is not installed',
      'Training:       automatic (the fastest that loads: node-gpu, webgpu, node, wasm, cpu)',
      'Log level:      info',
      'Log file:       /home/ann/.config/membrana/logs/membrana.log',
      'Window:         browser, 1366×768 CSS px at 1×',
      'Browser:        Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0',
      '',
      "The engine's last log lines (/home/ann/.config/membrana/logs/membrana.log) (2):",
    ]);
    expect(text).toContain('WARN  project: Journal repaired\n');
    expect(text).toMatch(/This window's warnings and errors \(1\):\n\S+Z WARN {2}ui: Saved settings: display\.threshold is not a number\n$/);
    // The engine's own log has its events: the copies this window received are not repeated.
    expect(text).not.toContain('chunk unreadable');
  });

  it('says why the engine cannot be asked, and gives the engine events this window received instead', async () => {
    const log = quietLog();
    const stopped = { diagnostics: () => Promise.reject(new EngineError({ code: 'ENGINE_STOPPED', message: 'The Membrana engine stopped 4 times in a row.' })) };
    const text = await diagnosticsText(stopped, { ...page, host: 'electron' }, log);
    expect(text).toContain('Engine:         not reachable: The Membrana engine stopped 4 times in a row.\n');
    expect(text).toContain("The engine's warnings and errors this window received (1):\n2026-01-01T00:00:02.000Z ERROR zarr: chunk unreadable\n");
    expect(await diagnosticsText(null, { ...page, host: null }, log)).toMatch(/Engine: +not reachable: the window is not connected to the engine\n[^]*Window: +not connected,/);
  });

  it('says when no prediction provider started', () => {
    const text = formatDiagnostics({ ...report, prediction: { error: 'onnxruntime-node could not load' }, logFile: null }, page, new UiLog());
    expect(text).toContain('Prediction:     none started: onnxruntime-node could not load\n');
    expect(text).toContain('Log file:       none (the log is kept in memory only)\n');
    expect(text).toContain("This window's warnings and errors (0):\n(none)\n");
  });
});
