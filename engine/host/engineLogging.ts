import { readAppVersion } from '../base/appRoot.js';
import { addLogSink, logger } from '../base/log.js';
import { logFileIn, logToFile } from '../base/logFile.js';
import type { EngineService } from '../service/EngineService.js';
import { logEventSink } from '../service/logEvents.js';

/**
 * The engine's log, set up once by the process or thread that runs it: every line at or above
 * MEMBRANA_LOG_LEVEL to logs/membrana.log in Membrana's folder, warnings and errors to stderr
 * and, rate-limited, to every connected window as the `log` event.
 */
export function startEngineLogging(service: EngineService, host: string): void {
  logToFile(logFileIn(service.configDir));
  addLogSink(logEventSink((entry) => service.emit('log', entry)));
  const log = logger('engine');
  log.info('Engine started', { host, version: readAppVersion(), pid: process.pid, node: process.versions.node });
  // A crash still ends the engine (its host restarts it), but the file now says why.
  process.on('uncaughtExceptionMonitor', (error, origin) => log.error('The engine stopped on an uncaught error', { origin, error }));
}
