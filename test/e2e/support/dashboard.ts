/**
 * Opens the built dashboard of a running test server in Chromium, logged in the way a user is: by opening
 * the one-time link the server prints. Each call is a fresh browser context (its own cookies).
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { TestServer } from '../../support/test-server.js';
import { watchProblems } from './browser.js';

export interface OpenDashboard {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions seen so far (a CSP violation shows up here). */
  problems: string[];
}

export interface OpenOptions {
  width?: number;
  height?: number;
  theme?: 'light' | 'dark';
  /** Open the login link (default) or arrive without a session. */
  login?: boolean;
}

export async function openDashboard(browser: Browser, server: TestServer, options: OpenOptions = {}): Promise<OpenDashboard> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    colorScheme: options.theme ?? 'light',
  });
  const page = await context.newPage();
  const problems = watchProblems(page);
  if (options.login === false) {
    await page.goto(server.url);
  } else {
    // A fresh one-time link each time (the printed `dashboardUrl` works once).
    await page.goto(`${server.url}/?token=${server.services.sessions.newLoginLinkToken()}`);
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
  }
  return { context, page, problems };
}

/** Navigates within the app (hash routes) and waits for the page's heading. */
export async function goTo(page: Page, route: string, heading: string): Promise<void> {
  await page.evaluate(`window.location.hash = ${JSON.stringify(`#/${route}`)}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

/** Polls a locator's text until it equals `expected` (the live pages update once a second). */
export async function waitForText(locator: Locator, expected: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: string | null = null;
  while (Date.now() < deadline) {
    last = await locator.textContent({ timeout: timeoutMs }).catch(() => null);
    if (last === expected) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`expected text ${JSON.stringify(expected)}, last seen ${JSON.stringify(last)}`);
}
