import type { Session } from 'electron';

/** The one permission the app uses: writing plain text to the clipboard (Help › Copy diagnostics). */
const CLIPBOARD_WRITE = 'clipboard-sanitized-write';
/** The app's own pages (see main.ts: app://membrana/ serves the built UI). */
function isAppOrigin(url: string | undefined): boolean {
  if (!url) return false;
  try {
    // Not origin: a URL parser that does not know app: as a standard scheme gives its origin as "null".
    const parsed = new URL(url);
    return parsed.protocol === 'app:' && parsed.host === 'membrana';
  } catch {
    return false; // not a URL at all: not ours
  }
}

/**
 * The app asks the browser for no permission but one: the app's own pages may write text to the
 * clipboard (Copy diagnostics). Everything else (camera, notifications, clipboard reads, devices,
 * geolocation), and the clipboard for any other origin, is refused both when a page asks (request
 * handler) and when it checks (check handler, which Chromium consults without asking, e.g. for
 * clipboard reads and device lists).
 */
export function lockDownSession(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'>): void {
  session.setPermissionRequestHandler((contents, permission, callback, details) =>
    callback(permission === CLIPBOARD_WRITE && isAppOrigin(details?.requestingUrl ?? contents?.getURL?.())),
  );
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => permission === CLIPBOARD_WRITE && isAppOrigin(requestingOrigin));
  session.setDevicePermissionHandler(() => false);
}
