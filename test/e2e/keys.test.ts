/** Settings → API keys in Chromium: create (shown once), use it from the OpenAI SDK, revoke it. */
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { hasChromium, SKIP_REASON } from './support/browser.js';
import { goTo, openDashboard } from './support/dashboard.js';
import { useServerAndBrowser } from './support/server-and-browser.js';

if (!hasChromium) console.warn(SKIP_REASON);

describe.skipIf(!hasChromium)('API keys in the dashboard (Chromium)', () => {
  const env = useServerAndBrowser();

  it('creates a key that works with the OpenAI SDK, then revokes it', async () => {
    const { page, context, problems } = await openDashboard(env.browser, env.server);
    await goTo(page, 'settings', 'Settings');
    await page.getByText('No API keys yet').waitFor();
    await page.getByLabel('Name').fill('sdk-test');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = (await page.getByTestId('new-key').textContent())!;
    expect(key).toMatch(/^sk_/);

    const client = new OpenAI({ baseURL: `${env.server.url}/v1`, apiKey: key, maxRetries: 0 });
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
