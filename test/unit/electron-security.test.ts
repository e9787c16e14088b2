/** electron/security.ts and the window's webPreferences: Electron's security checklist, with `electron` faked. */
import type { Session, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { FALLBACK_CSP, hardenSession, hardenWebContents, installSecurity } from '../../electron/security.js';
import { windowOptions } from '../../electron/window.js';
import { FakeWebContents } from '../electron/fake-electron.js';

const origin = 'http://127.0.0.1:1337';

function navigation(url: string) {
  const event = { url, defaultPrevented: false, preventDefault: () => (event.defaultPrevented = true) };
  return event;
}

function hardened() {
  const contents = new FakeWebContents();
  const openExternal = vi.fn(async () => undefined);
  hardenWebContents(contents as unknown as WebContents, { origin, openExternal });
  return { contents, openExternal };
}

describe('window options', () => {
  it('isolate and sandbox the renderer, without Node, webviews or insecure content', () => {
    const options = windowOptions({ preload: '/app/dist/electron/preload.cjs', saved: undefined, workAreas: [] });
    expect(options.webPreferences).toEqual({
      preload: '/app/dist/electron/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
    });
    expect(options).toMatchObject({ show: false, width: 1280, height: 860, title: 'Jan Server' });
  });
});

describe('navigation', () => {
  it.each(['will-navigate', 'will-frame-navigate', 'will-redirect'])('%s stays within the server origin', (name) => {
    const { contents } = hardened();
    const inside = navigation(`${origin}/conversations?x=1`);
    contents.emit(name, inside);
    expect(inside.defaultPrevented).toBe(false);
    for (const url of ['https://example.com/', 'http://127.0.0.1:1338/', 'http://localhost:1337/', 'file:///etc/passwd', 'javascript:alert(1)', 'not a url']) {
      const outside = navigation(url);
      contents.emit(name, outside);
      expect({ url, prevented: outside.defaultPrevented }).toEqual({ url, prevented: true });
    }
  });

  it('denies every new window; allowed https links open in the browser instead', () => {
    const { contents, openExternal } = hardened();
    expect(contents.windowOpenHandler!({ url: `${origin}/popup` })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'http://github.com/janhq' })).toEqual({ action: 'deny' });
    expect(openExternal).not.toHaveBeenCalled();
    expect(contents.windowOpenHandler!({ url: 'https://github.com/janhq/jan' })).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledWith('https://github.com/janhq/jan');
  });

  it('refuses to attach a webview', () => {
    const { contents } = hardened();
    const event = navigation('');
    contents.emit('will-attach-webview', event, {}, {});
    expect(event.defaultPrevented).toBe(true);
  });
});

describe('session', () => {
  function fakeSession() {
    return {
      setPermissionRequestHandler: vi.fn(),
      setPermissionCheckHandler: vi.fn(),
      setDevicePermissionHandler: vi.fn(),
      webRequest: { onHeadersReceived: vi.fn() },
    };
  }

  it('denies every permission request and check', () => {
    const session = fakeSession();
    hardenSession(session as unknown as Session);
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      const callback = vi.fn();
      session.setPermissionRequestHandler.mock.calls[0]![0]({}, permission, callback);
      expect(callback).toHaveBeenCalledWith(false);
      expect(session.setPermissionCheckHandler.mock.calls[0]![0]({}, permission)).toBe(false);
    }
    expect(session.setDevicePermissionHandler.mock.calls[0]![0]({})).toBe(false);
  });

  it('adds a content security policy to responses that have none, and keeps the server’s own', () => {
    const session = fakeSession();
    hardenSession(session as unknown as Session);
    const onHeaders = session.webRequest.onHeadersReceived.mock.calls[0]![0];
    const without = vi.fn();
    onHeaders({ responseHeaders: { 'Content-Type': ['application/json'] } }, without);
    expect(without).toHaveBeenCalledWith({ responseHeaders: { 'Content-Type': ['application/json'], 'Content-Security-Policy': [FALLBACK_CSP] } });
    const withOwn = vi.fn();
    onHeaders({ responseHeaders: { 'content-security-policy': ["default-src 'self'"] } }, withOwn);
    expect(withOwn).toHaveBeenCalledWith({});
    expect(FALLBACK_CSP).toContain("object-src 'none'");
    expect(FALLBACK_CSP).toContain("script-src 'self';");
  });

  it('installSecurity hardens the session at once and every web contents created later', () => {
    const session = fakeSession();
    const app = { on: vi.fn() };
    installSecurity(app as never, session as unknown as Session, { origin, openExternal: async () => undefined });
    expect(session.setPermissionRequestHandler).toHaveBeenCalledTimes(1);
    expect(app.on).toHaveBeenCalledWith('web-contents-created', expect.any(Function));
    const contents = new FakeWebContents();
    app.on.mock.calls[0]![1]({}, contents);
    const away = navigation('https://example.com/');
    contents.emit('will-navigate', away);
    expect(away.defaultPrevented).toBe(true);
    expect(contents.windowOpenHandler).toBeDefined();
  });
});
