/**
 * The fixture every end-to-end file shares: one test server and one Chromium for the whole `describe`, started
 * together in `beforeAll` and closed in `afterAll` (browser first). Call it inside `describe.skipIf(!hasChromium)`
 * so nothing starts when Chromium is missing. Vitest runs `afterAll` hooks in reverse order, so hooks a file
 * registers after this call (extra servers) close before the browser and the test server.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startTestServer, type TestServer } from '../../support/test-server.js';
import { launchChromium } from './browser.js';

export interface ServerAndBrowser {
  /** The running server (only inside hooks and tests: it starts in `beforeAll`). */
  readonly server: TestServer;
  readonly browser: Browser;
}

/** Registers the hooks; `start` makes the server (default: `startTestServer()`). */
export function useServerAndBrowser(start: () => Promise<TestServer> = () => startTestServer()): ServerAndBrowser {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    [server, browser] = await Promise.all([start(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the server and browser start in beforeAll: use them inside hooks and tests');
    return value;
  };
  return {
    get server() {
      return started(server);
    },
    get browser() {
      return started(browser);
    },
  };
}
