import type http from 'node:http';
import { describe, expect, it } from 'vitest';
import { ServeAccess } from './ServeAccess.js';

const TOKEN = 'a-token-of-this-start';

function request(headers: http.IncomingHttpHeaders, url = '/engine'): http.IncomingMessage {
  return { headers, url } as http.IncomingMessage;
}

describe('ServeAccess', () => {
  const access = new ServeAccess('127.0.0.1', 4500, TOKEN);
  const own = { host: '127.0.0.1:4500', origin: 'http://127.0.0.1:4500', cookie: `membrana-token-4500=${TOKEN}` };

  it('accepts its own page with the token cookie, and scripts with the token but no Origin', () => {
    expect(access.refuseUpgrade(request(own))).toBeNull();
    expect(access.refuseUpgrade(request({ host: 'localhost:4500', origin: 'http://localhost:4500', cookie: own.cookie }))).toBeNull();
    expect(access.refuseUpgrade(request({ host: '[::1]:4500' }, `/engine?token=${TOKEN}`))).toBeNull();
    expect(access.refuseUpgrade(request({ host: '127.0.0.1:4500', authorization: `token ${TOKEN}` }))).toBeNull();
  });

  it('refuses DNS rebinding: a foreign Host, even when the Origin matches it and the token is right', () => {
    const rebound = { host: 'evil.example:4500', origin: 'http://evil.example:4500', cookie: own.cookie };
    expect(access.refuseUpgrade(request(rebound))).toMatch(/Host "evil.example:4500" is not this server/);
    expect(access.allowsHost(request({ host: '127.0.0.1:4501' }))).toBe(false);
    expect(access.allowsHost(request({}))).toBe(false);
  });

  it('refuses a foreign Origin, another scheme or port, and the opaque null origin', () => {
    for (const origin of ['http://evil.example', 'https://127.0.0.1:4500', 'http://127.0.0.1:4501', 'null', 'http://localhost:4500']) {
      expect(access.refuseUpgrade(request({ ...own, origin }))).toMatch(/Origin .* is not this server/);
    }
  });

  it('refuses a missing or wrong token', () => {
    expect(access.refuseUpgrade(request({ host: own.host, origin: own.origin }))).toBe('no valid token');
    expect(access.refuseUpgrade(request({ ...own, cookie: 'membrana-token-4500=guess' }))).toBe('no valid token');
    // Another start's cookie (another port) does not count.
    expect(access.refuseUpgrade(request({ ...own, cookie: `membrana-token-4501=${TOKEN}` }))).toBe('no valid token');
  });

  it('makes a fresh random token per start and a strict cookie', () => {
    const a = new ServeAccess('127.0.0.1', 1);
    const b = new ServeAccess('127.0.0.1', 1);
    expect(a.token).not.toBe(b.token);
    expect(a.token.length).toBeGreaterThanOrEqual(32);
    expect(a.cookie()).toMatch(/^membrana-token-1=\S+; Path=\/; HttpOnly; SameSite=Strict$/);
  });

  it('accepts the --host address it listens on, and every local address when listening on all', () => {
    expect(new ServeAccess('192.168.7.7', 80, TOKEN).allowsHost(request({ host: '192.168.7.7:80' }))).toBe(true);
    const everywhere = new ServeAccess('0.0.0.0', 80, TOKEN);
    expect(everywhere.allowsHost(request({ host: '127.0.0.1:80' }))).toBe(true);
    expect(everywhere.allowsHost(request({ host: 'evil.example:80' }))).toBe(false);
  });
});
