/**
 * Screenshots of the Settings page's server options, for the README and for looking at:
 * `npx tsx test/e2e/take-settings-screenshots.ts [outDir]` (default build/screenshots/). A real server (port, log
 * level and admin key given as flags, so they show read-only) where the admin has saved a live option (the per-client
 * rate and the response cache size, applied at once) and restart-required ones (archiving, the GPU), so the "Restart required" banner shows; then the
 * top of the options and the Limits group are photographed at 1280×800 in light and dark.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rendererIsStale } from '../../build/scripts/build-state.mjs';
import { buildRenderer } from '../../build/scripts/build.mjs';
import { startTestServer, TEST_ADMIN_KEY } from '../support/test-server.js';
import { launchChromium } from './support/browser.js';
import { goTo, openDashboard } from './support/dashboard.js';

const outDir = process.argv[2] ?? 'build/screenshots';
const THEMES = ['light', 'dark'] as const;
const [WIDTH, HEIGHT] = [1280, 800];

if (rendererIsStale()) buildRenderer();
mkdirSync(outDir, { recursive: true });
const server = await startTestServer();
const saved = await server.request('/v1/admin/settings', {
  method: 'PATCH', token: TEST_ADMIN_KEY, body: { values: { clientRateLimit: 200, responseCacheBytes: 33554432, archiveAfterDays: 30, gpu: 'off' } },
});
if (saved.status !== 200) throw new Error(`PATCH /v1/admin/settings: ${saved.status} ${saved.text}`);
const browser = await launchChromium();
const problems: string[] = [];
for (const theme of THEMES) {
  const open = await openDashboard(browser, server, { width: WIDTH, height: HEIGHT, theme });
  await goTo(open.page, 'settings', 'Settings');
  const banner = open.page.getByRole('status', { name: 'Restart required' });
  await banner.waitFor();
  const shots: Array<[string, () => Promise<void>]> = [
    ['settings-options', () => open.page.getByRole('table', { name: 'Server' }).evaluate((el) => {
      el.closest('section')!.previousElementSibling!.scrollIntoView({ block: 'start' });
      const doc = el.ownerDocument; // a little of the page above shows too
      (doc.scrollingElement ?? doc.documentElement).scrollTop -= 24;
    })],
    // A live option saved (the response cache size, applied) beside a restart-required one (archiving, pending).
    ['settings-limits', () => open.page.locator('tr[data-setting="responseCacheBytes"]').evaluate((el) => el.scrollIntoView({ block: 'center' }))],
  ];
  for (const [name, scroll] of shots) {
    await scroll();
    await open.page.mouse.move(100, 600); // an empty spot of the sidebar: no hover highlight in the shot
    await open.page.waitForTimeout(600);
    const file = join(outDir, `${name}-${WIDTH}x${HEIGHT}-${theme}.png`);
    writeFileSync(file, await open.page.screenshot());
    console.log(file);
  }
  problems.push(...open.problems);
  await open.context.close();
}
await browser.close();
await server.close();
if (problems.length > 0) console.error('page problems:', problems);
