/**
 * Screenshots of the Overview's Engines card, for looking at: `npx tsx test/e2e/take-engines-screenshots.ts
 * [outDir]` (default build/screenshots/). A gateway server with two remote engines — another instance of this
 * server (scripted runtime, healthy, serving `llama-3-8b`) and an address where nothing listens (ejected after
 * three failed checks) — photographed at 1280×800 in light and dark.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rendererIsStale } from '../../build/scripts/build-state.mjs';
import { buildRenderer } from '../../build/scripts/build.mjs';
import { startScriptedServer } from '../support/inference-server.js';
import { TEST_ADMIN_KEY } from '../support/test-server.js';
import { launchChromium } from './support/browser.js';
import { openDashboard } from './support/dashboard.js';

const outDir = process.argv[2] ?? 'build/screenshots';
const THEMES = ['light', 'dark'] as const;
const [WIDTH, HEIGHT] = [1280, 800];

if (rendererIsStale()) buildRenderer();
mkdirSync(outDir, { recursive: true });
const upstream = await startScriptedServer(['llama-3-8b', 'nomic-embed']);
const gone = await startScriptedServer([]);
const gonePort = new URL(gone.url).port;
await gone.close();
const server = await startScriptedServer([], {
  engines: JSON.stringify([
    { name: 'gpu1', url: upstream.url },
    { name: 'gpu2', url: `http://127.0.0.1:${gonePort}`, models: ['llama-3-70b'] },
  ]),
  engineKeys: `gpu1=${TEST_ADMIN_KEY}`,
  engineCheckMs: 300,
});
for (let i = 0; i < 3; i++) {
  await server.request('/v1/chat/completions', { method: 'POST', token: TEST_ADMIN_KEY, body: { model: 'llama-3-8b', messages: [{ role: 'user', content: 'Hi' }] } });
}
for (;;) {
  const engines = await server.request('/v1/admin/engines', { token: TEST_ADMIN_KEY });
  if (engines.json.data[1].state === 'ejected' && engines.json.data[0].state === 'healthy') break;
  await new Promise((resolve) => setTimeout(resolve, 100));
}
const browser = await launchChromium();
const problems: string[] = [];
for (const theme of THEMES) {
  const open = await openDashboard(browser, server, { width: WIDTH, height: HEIGHT, theme });
  const card = open.page.getByRole('region', { name: 'Engines' });
  await card.waitFor();
  await card.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await open.page.mouse.move(100, 600);
  await open.page.waitForTimeout(600);
  const file = join(outDir, `overview-engines-${WIDTH}x${HEIGHT}-${theme}.png`);
  writeFileSync(file, await open.page.screenshot());
  console.log(file);
  problems.push(...open.problems);
  await open.context.close();
}
await browser.close();
await server.close();
await upstream.close();
if (problems.length > 0) console.error('page problems:', problems);
