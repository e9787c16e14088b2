/**
 * Screenshots of every dashboard page with real data, for the README and for looking at:
 * `npx tsx test/e2e/take-screenshots.ts [outDir]` (default build/screenshots/). Starts a server with the real
 * runtime and the designed tiny model, seeds conversations (real completions), keys and files, keeps a load
 * running, then photographs each page at 1280×800 and 1920×1080 in light and dark.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rendererIsStale } from '../../build/scripts/build-state.mjs';
import { buildRenderer } from '../../build/scripts/build.mjs';
import { encodeImage, renderText, textPdf } from '../support/media-fixtures.js';
import { DESIGNED, startModelServer } from '../support/model-server.js';
import { TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';
import { launchChromium } from './support/browser.js';
import { goTo, openDashboard } from './support/dashboard.js';
import { generateTraffic } from './support/traffic.js';

const outDir = process.argv[2] ?? 'build/screenshots';
const SIZES = [[1280, 800], [1920, 1080]] as const;
const THEMES = ['light', 'dark'] as const;

const api = (server: TestServer, path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST') =>
  server.request(path, { method, token: TEST_ADMIN_KEY, body });

async function seed(server: TestServer): Promise<string> {
  const topics = ['Plan a weekend in Hanoi', 'Summarize the Q3 report', 'What does p95 latency mean?', 'Draft a reply to Anna'];
  let first = '';
  for (const topic of topics) {
    const conversation = (await api(server, '/v1/conversations', { title: topic })).json.id as string;
    first ||= conversation;
    for (const text of [topic, 'Tell me more']) {
      await api(server, '/v1/chat/completions', { model: DESIGNED, conversation, messages: [{ role: 'user', content: text }], temperature: 0 });
    }
  }
  for (const name of ['laptop-scripts', 'teammate-anna', 'ci-runner']) await api(server, '/auth/api-keys', { name });
  const upload = async (name: string, bytes: Buffer, type: string) => {
    const form = new FormData();
    form.append('file', new Blob([bytes], { type }), name);
    await fetch(`${server.url}/v1/media/upload`, { method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` }, body: form });
  };
  await upload('receipt.png', encodeImage(renderText(['CAFE LUNA', 'Flat white  3.80', 'Total  3.80']), 'png'), 'image/png');
  await upload('invoice-2041.pdf', textPdf([['Invoice 2041', 'Total due: 317 EUR'], ['Thank you']]), 'application/pdf');
  await api(server, `/v1/models/${DESIGNED}/load`, {});
  return first;
}

/** Keeps a mixed load (as a guest user, so the owner's pages stay tidy) and a chat now and then. */
function keepLoad(server: TestServer, token: string): () => Promise<void> {
  let running = true;
  const loop = (async () => {
    while (running) {
      await generateTraffic(server, 120, 3, token);
      await api(server, '/v1/chat/completions', { model: DESIGNED, messages: [{ role: 'user', content: 'ping' }], stream: false });
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}

if (rendererIsStale()) buildRenderer();
mkdirSync(outDir, { recursive: true });
const server = await startModelServer({}, { random: true });
const chatId = await seed(server);
const stopLoad = keepLoad(server, await server.guestToken());
const browser = await launchChromium();

const pages: [route: string, heading: string, name: string][] = [
  ['overview', 'Overview', 'overview'], ['sla', 'SLA', 'sla'], [`chat/${chatId}`, 'Plan a weekend in Hanoi', 'chat'],
  ['conversations', 'Conversations', 'conversations'], ['models', 'Models', 'models'], ['media', 'Media', 'media'], ['settings', 'Settings', 'settings'],
];
const problems: string[] = [];
for (const theme of THEMES) {
  // One session per theme, resized between sizes, so the Overview's charts keep the minutes they collected.
  const open = await openDashboard(browser, server, { width: SIZES[0][0], height: SIZES[0][1], theme });
  await new Promise((resolve) => setTimeout(resolve, 45_000));
  for (const [width, height] of SIZES) {
    await open.page.setViewportSize({ width, height });
    for (const [route, heading, name] of pages) {
      await goTo(open.page, route, heading);
      if (name === 'media') {
        await open.page.getByRole('button', { name: 'Extract text from invoice-2041.pdf' }).click();
        await open.page.getByTestId('extracted-text').waitFor({ timeout: 60_000 });
      }
      await open.page.mouse.move(100, 420); // an empty spot of the sidebar: no hover highlight in the shot
      await open.page.waitForTimeout(1500);
      const file = join(outDir, `${name}-${width}x${height}-${theme}.png`);
      writeFileSync(file, await open.page.screenshot());
      console.log(file);
    }
    await goTo(open.page, 'overview', 'Overview');
  }
  problems.push(...open.problems);
  await open.context.close();
}
await stopLoad();
await browser.close();
await server.close();
if (problems.length > 0) console.error('page problems:', problems);
