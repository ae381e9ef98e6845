#!/usr/bin/env node
/** `npm run serve [-- [--port N] [--host ADDRESS] [path]]`: the Membrana UI in a browser. */
import { parseArgs } from 'node:util';
import { logger } from '../base/log.js';
import { logFileIn, logToFile } from '../base/logFile.js';
import { defaultConfigDir } from '../project/RecentProjects.js';
import { startServeHost } from './ServeHost.js';

const usage = `Usage: npm run serve -- [--port 4173] [--host 127.0.0.1] [path/to/stack.tif]

Serves the Membrana UI and engine on http://127.0.0.1:4173 (loopback only). Open the address it
prints: it carries a token made for this start, without which the engine refuses connections.
  --port N         port to listen on (0 picks a free one)
  --host ADDRESS   listen on ADDRESS instead of loopback, e.g. 0.0.0.0 to serve your network:
                   anyone who can reach it can read files this user can read
  path             a TIFF stack, image or folder of PNG slices to open at startup`;

function fail(message: string): never {
  console.error(`membrana serve: ${message}\n\n${usage}`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: { port: { type: 'string', default: '4173' }, host: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
} catch (error) {
  fail((error as Error).message);
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a whole number from 0 to 65535, not "${values.port}".`);
if (positionals.length > 1) fail(`give at most one path to open, not ${positionals.length}.`);
const host = values.host ?? '127.0.0.1';

// The server's own lines (an engine restart, a refused connection) share the engine's log file.
logToFile(logFileIn(defaultConfigDir()));
try {
  const server = await startServeHost({ port, host, startupPath: positionals[0] ?? null });
  console.log(`Membrana is serving at ${server.url}`);
  logger('serve').info('Serving', { host, port: new URL(server.url).port });
  if (values.host) console.warn(`Listening on ${host}: anyone who can reach this address can open files as this user.`);
  const shutdown = (): void => void server.close().then(() => process.exit(0));
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
} catch (error) {
  const err = error as NodeJS.ErrnoException;
  if (err.code === 'EADDRINUSE') fail(`port ${port} on ${host} is already in use; pick another with --port.`);
  fail(err.message);
}
