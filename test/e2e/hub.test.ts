/**
 * The model hub in Chromium, against the real server (real node-llama-cpp) pointed at the stand-in Hugging Face
 * Hub (test/support/hf-hub-standin.ts, which serves the designed tiny model as a GGUF repository): search →
 * open the repository → its quantizations with their fit → Download → a progress bar that stays through a page
 * reload, pause and resume → "Chat with it" → the pulled model answers in the chat.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { DESIGNED_REPLY, writeDesignedModel } from '../support/gguf/designed-model.js';
import { HubStandin } from '../support/hf-hub-standin.js';
import { DESIGNED, startModelServer } from '../support/model-server.js';
import { TEST_ADMIN_KEY } from '../support/test-server.js';
import { hasChromium, SKIP_REASON } from './support/browser.js';
import { goTo, openDashboard, waitForText } from './support/dashboard.js';
import { useServerAndBrowser } from './support/server-and-browser.js';

if (!hasChromium) console.warn(SKIP_REASON);

const REPO = 'acme/Designed-Chat-GGUF';
const Q4 = 'designed-chat-Q4_K_M.gguf';

/** The designed model's bytes (the file a pull installs), and a second quantization of it. */
function designedBytes(): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'jan-hub-e2e-'));
  try {
    writeDesignedModel(join(dir, 'm.gguf'));
    return readFileSync(join(dir, 'm.gguf'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const progressPercent = async (page: Page) =>
  Number(await page.getByRole('progressbar', { name: `Download of ${REPO}:Q4_K_M` }).getAttribute('aria-valuenow'));

describe.skipIf(!hasChromium)('model hub (Chromium, stand-in Hub, real model)', () => {
  const bytes = designedBytes();
  const standin = new HubStandin()
    .addRepo({ id: REPO, files: [{ path: Q4, bytes }, { path: 'designed-chat-Q8_0.gguf', bytes }], downloads: 12_345, likes: 67, license: 'apache-2.0' })
    .addRepo({ id: 'acme/Other-Chat-GGUF', files: [{ path: 'other-Q4_K_M.gguf', bytes }], downloads: 10, likes: 1, license: 'mit' });
  const env = useServerAndBrowser(async () => {
    await standin.start();
    // A long stall timeout: the test holds the download part-way for as long as it needs on a loaded machine.
    return startModelServer({ hfEndpoint: standin.hubUrl, hubAllow: ['127.0.0.1'], hubTimeoutMs: 120_000 });
  });
  // Registered after the fixture's hooks, so it runs before the server and browser close.
  afterAll(() => standin.close());

  it('search → repository → quantization → pull with progress (through a reload, pause and resume) → chat with it', { timeout: 180_000 }, async () => {
    const { page, context, problems } = await openDashboard(env.browser, env.server);
    // Every step waits on the server (a pull, a model load); on a 2-core machine shared with other suites
    // Playwright's default 30 s is not always enough.
    page.setDefaultTimeout(60_000);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Hub' }).click();
    await page.getByRole('heading', { level: 1, name: 'Hub' }).waitFor();
    // The first screen is the shipped recommended list (the stand-in does not know those repositories: their
    // static entries are shown), grouped by kind.
    await page.getByRole('list', { name: 'Chat and instructions' }).waitFor();
    expect(await page.getByRole('list', { name: 'Code' }).getByRole('link').count()).toBeGreaterThan(0);

    await page.getByLabel('Search GGUF models on Hugging Face').fill('designed');
    const results = page.getByRole('table', { name: 'Results for designed' });
    await results.waitFor();
    expect(await results.getByRole('row').count()).toBe(2); // the header and the one match
    expect(await results.getByRole('row').nth(1).textContent()).toContain('12k');
    await results.getByRole('link', { name: 'Designed-Chat-GGUF' }).click();

    await page.getByRole('heading', { level: 1, name: REPO }).waitFor();
    expect(new URL(page.url()).hash).toBe(`#/hub/${REPO}`);
    const table = page.getByRole('table', { name: 'Quantizations' });
    await table.waitFor();
    const q4 = table.getByRole('row').filter({ hasText: 'Q4_K_M' });
    // The tiny model fits anywhere; the verdict is in words, and the header facts were read remotely.
    expect(await q4.locator('[data-verdict]').textContent()).toBe('✓Fits');
    expect(await page.getByText('Layers').locator('xpath=following-sibling::dd').textContent()).not.toBe('—');

    // Hold the download half-way so its progress can be seen, reloaded and paused.
    const hold = standin.holdAt(Q4, Math.floor(bytes.length / 2));
    await q4.getByRole('button', { name: 'Download Q4_K_M' }).click();
    await hold.reached;
    const bar = page.getByRole('progressbar', { name: `Download of ${REPO}:Q4_K_M` });
    await bar.waitFor();
    await expect.poll(() => progressPercent(page), { timeout: 15_000 }).toBe(50);
    const item = page.getByRole('list', { name: 'Downloads' }).getByRole('listitem');
    expect(await item.textContent()).toMatch(/ of .* · (49|50)%/);
    expect(await q4.getByRole('button', { name: 'Download Q4_K_M' }).isDisabled()).toBe(true);
    expect(await q4.textContent()).toContain('Downloading now: see Downloads');

    // The bar is the server's state: a reload shows it again.
    await page.reload();
    await bar.waitFor();
    expect(await progressPercent(page)).toBe(50);

    await page.getByRole('button', { name: `Pause ${REPO}:Q4_K_M` }).click();
    await item.getByText('Paused').waitFor();
    const paused = await env.server.request('/v1/models/pulls', { token: TEST_ADMIN_KEY });
    expect(paused.json.data.map((p: { status: string }) => p.status)).toEqual(['paused']);
    hold.release();

    await page.getByRole('button', { name: `Resume ${REPO}:Q4_K_M` }).click();
    const chat = page.getByRole('link', { name: 'Chat with it' });
    await chat.waitFor();
    await item.getByText('Installed').waitFor();
    // The resumed request asked only for the rest.
    expect(standin.requests('cdn', encodeURIComponent(Q4)).map((r) => r.headers.range ?? null).at(-1)).toMatch(/^bytes=\d+-/);

    const pulls = await env.server.request('/v1/models/pulls', { token: TEST_ADMIN_KEY });
    const modelId = pulls.json.data[0].model_id as string;
    expect(modelId).toBeTruthy();
    expect(modelId).not.toBe(DESIGNED);

    await chat.click();
    await page.getByRole('heading', { level: 1, name: 'New chat' }).waitFor();
    await waitForText(page.getByLabel('Model').locator('option:checked'), modelId);
    await page.getByLabel('Message').fill('Hi there');
    await page.getByRole('button', { name: 'Send' }).click();
    await waitForText(page.locator('.msg[data-role="assistant"]'), DESIGNED_REPLY, 90_000);

    // The Models page lists it too, with no download left in progress.
    await goTo(page, 'models', 'Models');
    await page.getByRole('table', { name: 'Installed models' }).getByText(modelId, { exact: true }).waitFor();
    expect(await page.getByRole('progressbar').count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('says when the hub cannot be reached, in the server\'s words, with the way to the import form', async () => {
    const { page, context } = await openDashboard(env.browser, env.server);
    await goTo(page, 'hub', 'Hub');
    await page.getByLabel('Search GGUF models on Hugging Face').fill('designed');
    await page.getByRole('table', { name: 'Results for designed' }).waitFor();
    await standin.close();
    await page.getByLabel('Search GGUF models on Hugging Face').fill('other');
    const alert = page.getByRole('alert');
    await alert.waitFor({ timeout: 30_000 });
    const said = (await alert.textContent())!;
    expect(said).toMatch(/^The search failed: /);
    expect(said.toLowerCase()).toContain('import');
    await alert.getByRole('link').click();
    await page.getByRole('heading', { level: 1, name: 'Models' }).waitFor();
    await context.close();
  });
});
