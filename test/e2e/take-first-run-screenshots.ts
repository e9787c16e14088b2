/**
 * Screenshots of the first-run card, for looking at: `npx tsx test/e2e/take-first-run-screenshots.ts [outDir]`
 * (default build/screenshots/). Starts a real server with an empty models folder and photographs the Overview
 * and the Chat at 1280×800 in light and dark, plus the Overview once a key has been made on the card.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { rendererIsStale } from '../../build/scripts/build-state.mjs';
import { buildRenderer } from '../../build/scripts/build.mjs';
import { startTestServer } from '../support/test-server.js';
import { launchChromium } from './support/browser.js';
import { goTo, openDashboard } from './support/dashboard.js';

const outDir = process.argv[2] ?? 'build/screenshots';
const [WIDTH, HEIGHT] = [1280, 800];

async function shoot(page: Page, name: string, theme: string): Promise<void> {
  await page.mouse.move(100, 420); // an empty spot of the sidebar: no hover highlight in the shot
  await page.waitForTimeout(1200);
  const file = join(outDir, `first-run-${name}-${WIDTH}x${HEIGHT}-${theme}.png`);
  writeFileSync(file, await page.screenshot());
  console.log(file);
}

if (rendererIsStale()) buildRenderer();
mkdirSync(outDir, { recursive: true });
const server = await startTestServer();
const browser = await launchChromium();
const problems: string[] = [];
try {
  for (const theme of ['light', 'dark'] as const) {
    const open = await openDashboard(browser, server, { width: WIDTH, height: HEIGHT, theme });
    const card = open.page.getByRole('region', { name: 'Welcome to Jan Server' });
    await card.waitFor();
    await open.page.getByRole('group', { name: 'Requests/s' }).waitFor();
    await shoot(open.page, 'overview', theme);
    await goTo(open.page, 'chat', 'New chat');
    await card.waitFor();
    await shoot(open.page, 'chat', theme);
    await goTo(open.page, 'overview', 'Overview');
    await card.getByRole('button', { name: 'Create an API key' }).click();
    await card.getByTestId('first-run-key').waitFor();
    await shoot(open.page, 'overview-key', theme);
    problems.push(...open.problems);
    await open.context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
if (problems.length > 0) console.error('page problems:', problems);
