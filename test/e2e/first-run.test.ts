/**
 * The first run in Chromium, against a real server with an empty models folder: the Overview and the Chat show
 * the first-run card (API URL with copy, a key made on the spot that the API accepts, where models come from),
 * and the card goes away by itself once a model file appears in the models folder.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeRandomModel } from '../support/gguf/random-model.js';
import { hasChromium, SKIP_REASON } from './support/browser.js';
import { goTo, openDashboard } from './support/dashboard.js';
import { useServerAndBrowser } from './support/server-and-browser.js';

if (!hasChromium) console.warn(SKIP_REASON);

describe.skipIf(!hasChromium)('first run (Chromium)', () => {
  const env = useServerAndBrowser();

  it('shows the API URL, copies it, makes a key the API accepts, and points to the Models import', async () => {
    const { page, context, problems } = await openDashboard(env.browser, env.server);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.server.url });
    const card = page.getByRole('region', { name: 'Welcome to Jan Server' });
    await card.waitFor();
    expect(await card.getByTestId('first-run-url').textContent()).toBe(`${env.server.url}/v1`);
    await card.getByRole('button', { name: 'Copy the API URL' }).click();
    await card.getByRole('button', { name: 'Copy the API URL' }).getByText('Copied').waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(`${env.server.url}/v1`);

    await card.getByRole('button', { name: 'Create an API key' }).click();
    const key = (await card.getByTestId('first-run-key').textContent())!;
    expect(key).toMatch(/^sk_/);
    await card.getByRole('button', { name: 'Copy the API key' }).click();
    await card.getByRole('button', { name: 'Copy the API key' }).getByText('Copied').waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(key);
    const models = await env.server.request('/v1/models', { token: key });
    expect([models.status, models.json]).toEqual([200, { object: 'list', data: [] }]);
    const keys = await env.server.request('/auth/api-keys', { token: key });
    expect(keys.json.items.map((k: { name: string }) => k.name)).toEqual(['first app']);

    await card.getByRole('link', { name: 'Import a model…' }).click();
    await page.getByRole('heading', { level: 1, name: 'Models' }).waitFor();
    await page.getByRole('region', { name: 'Import a model' }).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows in the Chat too, and leaves both pages once a model is dropped into the models folder', async () => {
    const { page, context, problems } = await openDashboard(env.browser, env.server);
    await goTo(page, 'chat', 'New chat');
    const card = page.getByRole('region', { name: 'Welcome to Jan Server' });
    await card.waitFor();
    expect(await page.getByLabel('Message').isDisabled()).toBe(true);

    const models = env.server.config.modelsDir;
    mkdirSync(models, { recursive: true });
    writeRandomModel(join(models, 'dropped.gguf'), { params: 2e6, vocabSize: 2000, contextLength: 1024 });
    try {
      // The empty list is read again every 5 s.
      await card.waitFor({ state: 'detached', timeout: 15_000 });
      await page.getByRole('option', { name: 'dropped' }).waitFor({ state: 'attached' });
      await goTo(page, 'overview', 'Overview');
      await page.getByRole('button', { name: '1 min' }).waitFor();
      expect(await page.getByRole('region', { name: 'Welcome to Jan Server' }).count()).toBe(0);
    } finally {
      rmSync(join(models, 'dropped.gguf'), { force: true });
    }
    expect(problems).toEqual([]);
    await context.close();
  });
});
