/**
 * Electron's security checklist, applied to every web contents the app creates: navigation only within the
 * server's origin, no new windows (allowed https links open in the default browser instead), no
 * `<webview>`, every permission request denied, and a content security policy on every response that does
 * not bring its own (the server sends a stricter one with the dashboard).
 */
import type { App, Session, WebContents } from 'electron';
import { isAllowedExternalUrl } from './ipc.js';

/** For responses without a CSP of their own (error pages, JSON viewed directly). */
export const FALLBACK_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

export interface SecurityDeps {
  /** The server's origin, e.g. `http://127.0.0.1:1337`. */
  origin: string;
  /** `shell.openExternal`, for allowed links that a page tries to open in a new window. */
  openExternal(url: string): Promise<void>;
}

export function isSameOrigin(url: string, origin: string): boolean {
  try {
    return new URL(url).origin === origin;
  } catch {
    return false;
  }
}

export function hardenWebContents(contents: WebContents, deps: SecurityDeps): void {
  const keepInOrigin = (event: { url: string; preventDefault(): void }) => {
    if (!isSameOrigin(event.url, deps.origin)) event.preventDefault();
  };
  contents.on('will-navigate', keepInOrigin);
  contents.on('will-frame-navigate', keepInOrigin);
  contents.on('will-redirect', keepInOrigin);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) void deps.openExternal(url);
    return { action: 'deny' };
  });
}

function hasCsp(headers: Record<string, string[]> | undefined): boolean {
  return Object.keys(headers ?? {}).some((name) => name.toLowerCase() === 'content-security-policy');
}

export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    if (hasCsp(details.responseHeaders)) return callback({});
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [FALLBACK_CSP] } });
  });
}

/** Hardens the default session now and every web contents as it is created. Call before opening a window. */
export function installSecurity(app: Pick<App, 'on'>, session: Session, deps: SecurityDeps): void {
  hardenSession(session);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, deps));
}
