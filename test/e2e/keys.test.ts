/** Settings → API keys in Chromium: create (shown once), use it from the OpenAI SDK, revoke it. */
import OpenAI from 'openai';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { hasChromium, launchChromium, SKIP_REASON } from './support/browser.js';
import { goTo, openDashboard } from './support/dashboard.js';

if (!hasChromium) console.warn(SKIP_REASON);

describe.skipIf(!hasChromium)('API keys in the dashboard (Chromium)', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('creates a key that works with the OpenAI SDK, then revokes it', async () => {
    const { page, context, problems } = await openDashboard(browser, server);
    await goTo(page, 'settings', 'Settings');
    await page.getByText('No API keys yet').waitFor();
    await page.getByLabel('Name').fill('sdk-test');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = (await page.getByTestId('new-key').textContent())!;
    expect(key).toMatch(/^sk_/);

    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: key, maxRetries: 0 });
    const conversation = await client.conversations.create({ metadata: { from: 'sdk' } });
    expect(conversation.id).toMatch(/^conv_/);

    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByTestId('new-key').count()).toBe(0);
    const row = page.getByRole('table', { name: 'API keys' }).getByRole('row').nth(1);
    expect(await row.textContent()).toContain('sdk-test');
    expect(await page.textContent('body')).not.toContain(key);

    await page.getByRole('button', { name: 'Revoke sdk-test' }).click();
    await page.getByRole('button', { name: 'Revoke now' }).click();
    await page.getByText('No API keys yet').waitFor();
    await expect(client.conversations.retrieve(conversation.id)).rejects.toMatchObject({ status: 401 });
    expect(problems).toEqual([]);
    await context.close();
  });
});
