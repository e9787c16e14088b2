/**
 * The chat playground in Chromium against the real runtime: the designed tiny model streams its known answer,
 * the conversation is saved and reopens; a random-weight model (endless gibberish) is stopped mid-answer.
 */
import { describe, expect, it } from 'vitest';
import { DESIGNED_REPLY } from '../support/gguf/designed-model.js';
import { DESIGNED, RANDOM, startModelServer } from '../support/model-server.js';
import { TEST_ADMIN_KEY } from '../support/test-server.js';
import { hasChromium, SKIP_REASON } from './support/browser.js';
import { goTo, openDashboard, waitForText } from './support/dashboard.js';
import { useServerAndBrowser } from './support/server-and-browser.js';

if (!hasChromium) console.warn(SKIP_REASON);

describe.skipIf(!hasChromium)('chat playground (Chromium, real model)', () => {
  const env = useServerAndBrowser(() => startModelServer({}, { random: true }));

  const items = async (conversationId: string) => {
    const res = await env.server.request(`/v1/conversations/${conversationId}/items?order=asc`, { token: TEST_ADMIN_KEY });
    return (res.json.data as { role: string; status: string; content: { text: string }[] }[]).map((i) => [i.role, i.status, i.content[0]?.text]);
  };

  it('streams the answer of the designed model, saves the conversation and reopens it', async () => {
    const { page, context, problems } = await openDashboard(env.browser, env.server);
    await goTo(page, 'chat', 'New chat');
    await page.getByLabel('Model').selectOption(DESIGNED);
    await page.getByLabel('Message').fill('Hi there');
    await page.getByRole('button', { name: 'Send' }).click();
    const answer = page.locator('.msg[data-role="assistant"]');
    await waitForText(answer, DESIGNED_REPLY, 30_000);
    await page.getByRole('button', { name: 'Send' }).waitFor();

    const id = decodeURIComponent(new URL(page.url()).hash.replace('#/chat/', ''));
    expect(id).toMatch(/^conv_/);
    await page.getByRole('navigation', { name: 'Conversations' }).getByRole('link', { name: 'Hi there' }).waitFor();
    expect(await items(id)).toEqual([['user', 'completed', 'Hi there'], ['assistant', 'completed', DESIGNED_REPLY]]);

    await page.reload();
    await page.locator('.msg[data-role="assistant"]').waitFor();
    expect(await page.locator('.msg').allTextContents()).toEqual(['Hi there', DESIGNED_REPLY]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('stops a long answer on Stop and keeps what was generated, marked as stopped', async () => {
    const { page, context } = await openDashboard(env.browser, env.server);
    await goTo(page, 'chat', 'New chat');
    await page.getByLabel('Model').selectOption(RANDOM);
    await page.getByLabel('Message').fill('Tell me everything');
    await page.getByRole('button', { name: 'Send' }).click();
    const answer = page.locator('.msg[data-role="assistant"]');
    // Wait for some streamed text (not the "…" placeholder), then stop.
    const deadline = Date.now() + 30_000;
    while (((await answer.textContent()) ?? '…').replace('…', '').length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.getByText('stopped').waitFor();
    await page.getByRole('button', { name: 'Send' }).waitFor();
    const shown = (await answer.textContent())!.replace(/stopped$/, '');
    expect(shown.length).toBeGreaterThanOrEqual(5);

    const id = decodeURIComponent(new URL(page.url()).hash.replace('#/chat/', ''));
    const saved = await items(id);
    expect(saved).toHaveLength(2);
    expect(saved[1]!.slice(0, 2)).toEqual(['assistant', 'incomplete']);
    expect(shown.startsWith(saved[1]![2]!) || saved[1]![2]!.startsWith(shown)).toBe(true);
    // The slot was freed: the active-stream gauge is back to 0.
    const kpi = await env.server.request('/v1/admin/metrics/snapshot', { token: TEST_ADMIN_KEY });
    expect(kpi.json.llm.active_streams).toBe(0);
    await context.close();
  });
});
