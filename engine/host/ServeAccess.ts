import { randomBytes, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import os from 'node:os';

/**
 * Who may use a serve-mode engine. The engine reads any file this user can, so three locks:
 * - the `Host` header must name this server (loopback, or the address given with --host), which
 *   stops DNS rebinding: a page at evil.example whose name later resolves to 127.0.0.1 still
 *   sends `Host: evil.example`;
 * - a browser's Origin must be exactly `http://<that host>` (scheme, host and port);
 * - a per-start token, printed in the URL as Jupyter does, so other users and programs on this
 *   machine cannot connect either. Opening the printed URL trades the token for a cookie.
 */
export class ServeAccess {
  readonly token: string;
  private readonly hosts: Set<string>;
  private readonly cookieName: string;

  constructor(listenHost: string, port: number, token: string = randomBytes(24).toString('base64url')) {
    this.token = token;
    this.cookieName = `membrana-token-${port}`;
    this.hosts = new Set(allowedHostNames(listenHost).map((name) => `${bracketed(name)}:${port}`.toLowerCase()));
  }

  /** The `Host` header names this server. Browsers always send one; a request without is refused. */
  allowsHost(request: http.IncomingMessage): boolean {
    const host = request.headers.host;
    return typeof host === 'string' && this.hosts.has(host.toLowerCase());
  }

  /** Why a WebSocket upgrade is refused, or null to accept it. */
  refuseUpgrade(request: http.IncomingMessage): string | null {
    if (!this.allowsHost(request)) return `Host ${JSON.stringify(request.headers.host ?? '')} is not this server`;
    const origin = request.headers.origin;
    // Browsers always send Origin on a WebSocket; scripts may omit it but still need the token.
    if (origin !== undefined && origin !== `http://${request.headers.host}`) return `Origin ${JSON.stringify(origin)} is not this server`;
    if (!this.hasToken(request)) return 'no valid token';
    return null;
  }

  /** The token from the cookie, `?token=` or `Authorization: token …` matches this start's. */
  hasToken(request: http.IncomingMessage): boolean {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const authorization = /^token\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const candidates = [readCookie(request.headers.cookie, this.cookieName), url.searchParams.get('token'), authorization];
    return candidates.some((candidate) => typeof candidate === 'string' && this.matches(candidate));
  }

  /** The cookie that `?token=` is exchanged for: this port only, never sent cross-site or read by scripts. */
  cookie(): string {
    return `${this.cookieName}=${this.token}; Path=/; HttpOnly; SameSite=Strict`;
  }

  private matches(candidate: string): boolean {
    const a = Buffer.from(candidate);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}

const WILDCARDS = new Set(['0.0.0.0', '::', '']);
const LOOPBACK = ['127.0.0.1', 'localhost', '::1'];

/** Names a browser may use for this server: loopback, the --host given, and for 0.0.0.0 every local address. */
function allowedHostNames(listenHost: string): string[] {
  const names = new Set(LOOPBACK);
  if (listenHost) names.add(listenHost);
  if (!WILDCARDS.has(listenHost)) return [...names];
  names.add(os.hostname());
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const address of addresses ?? []) names.add(address.address.replace(/%.*$/, ''));
  }
  return [...names];
}

function bracketed(name: string): string {
  return name.includes(':') && !name.startsWith('[') ? `[${name}]` : name;
}

function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return null;
}
