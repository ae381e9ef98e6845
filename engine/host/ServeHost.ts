import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { WebSocketServer, type WebSocket } from 'ws';
import type { RpcMessage } from '../../protocol/contract.js';
import type { MessageLink } from '../../protocol/RpcClient.js';
import { RpcRelay } from '../../protocol/RpcRelay.js';
import { decodeFrame, encodeFrame } from '../../protocol/wire.js';
import { findAppRoot } from '../base/appRoot.js';
import { logger } from '../base/log.js';
import type { EngineServiceOptions } from '../service/EngineService.js';
import { EngineSupervisor, type EngineProcess } from './EngineSupervisor.js';
import { portLink } from './portLink.js';
import { ServeAccess } from './ServeAccess.js';

export interface ServeOptions {
  port: number;
  host: string;
  startupPath: string | null;
  /** The access token; a random one per start when not given. */
  token?: string;
  /** Built renderer (index.html and assets); defaults to build/renderer in the app folder. */
  rendererDir?: string;
}

const log = logger('serve');

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

/** Same policy as the <meta> tag in renderer/index.html, sent as a header too. */
const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; " +
  "connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export interface RunningServer {
  /** The address to open, with this start's token (`?token=…`). */
  url: string;
  close(): Promise<void>;
}

/**
 * Serve mode: the built renderer over HTTP and the engine (in a worker thread) over a WebSocket
 * at /engine, both on one port. Only this server's own page, opened with the token it printed,
 * may open the socket (`ServeAccess`), so no web page elsewhere, and no other user of this
 * machine, can use the engine to read the user's files.
 */
export async function startServeHost(options: ServeOptions): Promise<RunningServer> {
  const rendererDir = options.rendererDir ?? path.join(findAppRoot(), 'build', 'renderer');
  if (!existsSync(path.join(rendererDir, 'index.html'))) {
    throw new Error(`The UI is not built: ${path.join(rendererDir, 'index.html')} is missing. Run \`npm run build\` first.`);
  }
  const workerOptions: EngineServiceOptions = { host: 'serve', startupPath: options.startupPath };
  // A crash in the engine must not take the UI down: fail the calls in flight, start a new engine
  // after a growing wait, and stop trying (saying so) when it keeps dying, e.g. a broken install.
  let relay: RpcRelay | null = null;
  const supervisor = new EngineSupervisor<SupervisedWorker>({
    fork: () => superviseWorker(new Worker(fileURLToPath(new URL('./engineWorker.js', import.meta.url)), { workerData: workerOptions })),
    started: (engine, restart) => {
      if (!restart || !relay) return;
      relay.replaceEngine(portLink(engine.worker), {
        code: 'ENGINE_RESTARTED',
        message: `The engine stopped (exit code ${restart.code}) and was restarted; open your file again.`,
      });
    },
    stopped: (code, retryInMs) => {
      if (retryInMs !== null) log.error(`The engine stopped; starting a new one in ${retryInMs / 1000} s`, { exitCode: code });
    },
    gaveUp: (message) => {
      log.error(message);
      relay?.replaceEngine(stoppedEngine(message), { code: 'ENGINE_STOPPED', message });
    },
  });
  relay = new RpcRelay(portLink(supervisor.start().worker));

  let access: ServeAccess | null = null;
  const server = http.createServer((request, response) => {
    if (access && admit(access, request, response)) serveStatic(rendererDir, request, response);
  });
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 ** 3 });
  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const refused = url.pathname !== '/engine' ? 'not the engine' : access ? access.refuseUpgrade(request) : 'starting';
    if (refused) {
      log.warn('Refused a connection to the engine', { reason: refused, origin: request.headers.origin, host: request.headers.host });
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => attach(ws, relay!));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  access = new ServeAccess(options.host, address.port, options.token);
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}/?token=${access.token}`,
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const worker = supervisor.current?.worker;
      supervisor.stop();
      relay?.dispose();
      await worker?.terminate();
    },
  };
}

/** A worker thread as the supervisor sees an engine process. */
interface SupervisedWorker extends EngineProcess {
  worker: Worker;
}

function superviseWorker(worker: Worker): SupervisedWorker {
  worker.on('error', (error) => log.error('The engine worker failed', { error }));
  return {
    worker,
    on: (event, listener) => worker.once(event, listener),
    kill: () => {
      void worker.terminate();
      return true;
    },
  };
}

/** Where calls go once the engine is given up on: each fails at once with `message`. */
function stoppedEngine(message: string): MessageLink {
  const listeners = new Set<(message: RpcMessage) => void>();
  return {
    send: (sent) => {
      if (sent.kind !== 'call') return;
      queueMicrotask(() => listeners.forEach((listener) => listener({ kind: 'result', id: sent.id, ok: false, error: { code: 'ENGINE_STOPPED', message } })));
    },
    onMessage: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function attach(ws: WebSocket, relay: RpcRelay): void {
  const port = relay.connect((message: RpcMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(encodeFrame(message));
  });
  ws.on('message', (data, isBinary) => {
    if (!isBinary) return;
    try {
      port.receive(decodeFrame(toBytes(data)));
    } catch (error) {
      log.warn('Dropped a malformed message from a page', { error });
    }
  });
  ws.on('close', () => port.close());
}

function toBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

/**
 * HTTP before the static files: a foreign Host is refused (DNS rebinding); `?token=` becomes a
 * cookie and a redirect to the bare address; the page itself needs the token, the assets do not.
 */
function admit(access: ServeAccess, request: http.IncomingMessage, response: http.ServerResponse): boolean {
  if (!access.allowsHost(request)) {
    response.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end('Membrana serves only the address it printed at start.\n');
    return false;
  }
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (url.searchParams.has('token')) {
    if (!access.hasToken(request)) {
      response.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end('This token is not the one Membrana printed at this start. Open the address it printed.\n');
      return false;
    }
    url.searchParams.delete('token');
    response.writeHead(302, { location: `${url.pathname}${url.search}`, 'set-cookie': access.cookie(), 'cache-control': 'no-store' }).end();
    return false;
  }
  const isPage = url.pathname === '/' || url.pathname === '/index.html';
  if (isPage && !access.hasToken(request)) {
    response
      .writeHead(401, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CSP })
      .end(
        '<!doctype html><title>Membrana</title><body style="font:16px system-ui;margin:3em">' +
          '<h1>Open Membrana with its address</h1><p>Membrana printed an address with <code>?token=…</code> when it started ' +
          '(<code>npm run serve</code>). Open that address: the token keeps other pages and users on this machine out.</p></body>',
      );
    return false;
  }
  return true;
}

function serveStatic(root: string, request: http.IncomingMessage, response: http.ServerResponse): void {
  const url = new URL(request.url ?? '/', 'http://localhost');
  let relative: string;
  try {
    relative = decodeURIComponent(url.pathname);
  } catch {
    // A malformed %-escape is the client's mistake, answered as such.
    response.writeHead(400).end('Bad request');
    return;
  }
  if (relative.endsWith('/')) relative += 'index.html';
  const file = path.resolve(root, `.${relative}`);
  if (!file.startsWith(root + path.sep) || !existsSync(file) || !statSync(file).isFile()) {
    response.writeHead(404, { 'content-type': 'text/plain' }).end(`Not found: ${url.pathname}`);
    return;
  }
  response.writeHead(200, {
    'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-cache',
  });
  createReadStream(file).pipe(response);
}
