import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CallContext } from '../../protocol/contract.js';
import { findAppRoot } from '../base/appRoot.js';
import { logger, setStderrLevel } from '../base/log.js';
import { logFileIn, logToFile } from '../base/logFile.js';
import { collectDiagnostics, DIAGNOSTIC_LOG_LINES, packageVersion } from './diagnostics.js';
import { EngineService } from './EngineService.js';

const context: CallContext = { signal: new AbortController().signal, progress: () => undefined };
const tmp = mkdtempSync(path.join(os.tmpdir(), 'membrana-diagnostics-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const manifest = (file: string): { version: string } => JSON.parse(readFileSync(file, 'utf8')) as { version: string };

describe('diagnostics', () => {
  it('gives versions, platform, the prediction provider, the log file and its last lines', async () => {
    const service = new EngineService({ host: 'test', configDir: path.join(tmp, 'home') });
    const stop = logToFile(logFileIn(service.configDir));
    try {
      const log = logger('diagnostics-test');
      for (let k = 0; k < DIAGNOSTIC_LOG_LINES + 20; k++) log.info(`line ${k}`, { k });
      const report = await service.handlers.diagnostics({}, context);
      expect(report.app).toEqual({ version: manifest(path.join(findAppRoot(), 'package.json')).version, host: 'test' });
      expect(report.versions.node).toBe(process.versions.node);
      const ort = createRequire(import.meta.url).resolve('onnxruntime-node');
      expect(report.versions['onnxruntime-node']).toBe(manifest(path.join(path.dirname(ort), '..', 'package.json')).version);
      expect(report.versions['@tensorflow/tfjs-core']).toMatch(/^\d+\.\d+\.\d+/);
      expect(report.platform).toMatchObject({ os: process.platform, arch: process.arch, cpus: os.cpus().length });
      // The same provider the status line names: started once per engine.
      expect(report.prediction).toEqual(await service.handlers.backend({}, context));
      expect(report.logLevel).toBe('info');
      expect(report.logFile).toBe(path.join(tmp, 'home', 'logs', 'membrana.log'));
      expect(report.logLines).toHaveLength(DIAGNOSTIC_LOG_LINES);
      const ours = report.logLines.filter((line) => line.includes('diagnostics-test:'));
      expect(ours.at(-1)).toMatch(new RegExp(`INFO {2}diagnostics-test: line ${DIAGNOSTIC_LOG_LINES + 19} k=${DIAGNOSTIC_LOG_LINES + 19}$`));
    } finally {
      stop();
      await service.dispose();
    }
  }, 120_000);

  it('gives the lines kept in memory when no file is written, and says why the provider is missing', async () => {
    setStderrLevel('off');
    try {
      logger('diagnostics-test').warn('kept in memory');
      const report = await collectDiagnostics('test', () => Promise.reject(new Error('onnxruntime-node could not load: libonnxruntime.so.1 is missing')));
      expect(report.logFile).toBeNull();
      expect(report.logLines.at(-1)).toMatch(/WARN {2}diagnostics-test: kept in memory$/);
      expect(report.prediction).toEqual({ error: 'onnxruntime-node could not load: libonnxruntime.so.1 is missing' });
    } finally {
      setStderrLevel('warn');
    }
  });

  it('leaves out packages that are not installed', () => {
    expect(packageVersion('membrana-no-such-package')).toBeNull();
    expect(packageVersion('ws')).toBe(manifest(path.join(findAppRoot(), 'node_modules', 'ws', 'package.json')).version);
  });
});
