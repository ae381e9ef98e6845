import type { Session } from 'electron';

/**
 * The app asks the browser for no permission at all (no camera, notifications, clipboard reads,
 * devices or geolocation): a page that does, say through an injected script, is refused both when
 * it asks (request handler) and when it checks (check handler, which Chromium consults without
 * asking, e.g. for clipboard reads and device lists).
 */
export function lockDownSession(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'>): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}
