/**
 * A small team in Chromium over two loopback addresses: the owner (on 127.0.0.1, logged in by the printed
 * link) turns LAN access on from Settings and invites a member from the Team page; the member opens the link on
 * 127.0.0.2 (another address of this machine, so another origin with its own cookies: as a LAN machine would)
 * in a fresh browser context, picks a name and a password, chats with the real tiny model, and cannot see the
 * owner's conversations or the admin pages (hidden in the navigation, 403 from the API). The owner watches the
 * member's usage move on the Team page and disables them: the member's session and API key stop working.
 *
 * The team and usage routes are the server's (issue 16); where one is missing, the tests that need it are
 * skipped with the route named, found by asking a server for its OpenAPI document.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { DESIGNED_REPLY } from '../support/gguf/designed-model.js';
import { DESIGNED, startModelServer } from '../support/model-server.js';
import { startTestServer, TEST_ADMIN_KEY } from '../support/test-server.js';
import { CHROMIUM, CHROMIUM_FLAGS, hasChromium, SKIP_REASON, watchProblems } from './support/browser.js';
import { goTo, openDashboard, waitForText } from './support/dashboard.js';
import { useServerAndBrowser } from './support/server-and-browser.js';

if (!hasChromium) console.warn(SKIP_REASON);

/** What the flow needs from the server, as OpenAPI path keys. */
const NEEDED = [
  'post /v1/admin/invitations', 'get /v1/admin/members', 'patch /v1/admin/members/{id}', 'get /auth/invitations/{code}',
  'post /auth/invitations/{code}/accept', 'post /auth/login', 'get /v1/admin/usage', 'get /v1/admin/audit',
];

/** The needed routes this server does not have yet (none once the team and usage backends are in). */
async function missingRoutes(): Promise<string[]> {
  if (!hasChromium) return [];
  const server = await startTestServer();
  try {
    const doc = (await server.request('/v1/openapi.json', { token: TEST_ADMIN_KEY })).json as { paths: Record<string, Record<string, unknown>> };
    // OpenAPI paths may name a parameter differently ({id} vs {member_id}): compare with parameters blanked.
    const shape = (path: string) => path.replace(/\{[^}]+\}/g, '{}');
    const have = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${shape(path)}`)));
    return NEEDED.filter((route) => !have.has(shape(route)));
  } finally {
    await server.close();
  }
}

const missing = await missingRoutes();
if (missing.length > 0) console.warn(`team e2e skipped: the server has no ${missing.join(', ')} yet`);

const OWNER_TITLE = 'Owner only: salary review';

/**
 * The member's own Chromium (another machine, in effect): the shared flags leave only 127.0.0.1 and localhost
 * reachable, so this one also lets 127.0.0.2 through.
 */
function launchMemberChromium(): Promise<Browser> {
  const args = CHROMIUM_FLAGS.map((flag) => (flag.startsWith('--host-resolver-rules=') ? `${flag} , EXCLUDE 127.0.0.2` : flag));
  return chromium.launch({ executablePath: CHROMIUM, args });
}
const PASSWORD = 'a long enough passphrase';

/** A JSON request from inside the page (its cookies, its origin), answering status and body. */
function call(page: Page, path: string, init: { method?: string; body?: unknown; token?: string } = {}) {
  return page.evaluate(async ({ path, init }) => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    const response = await fetch(path, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body), credentials: init.token ? 'omit' : 'same-origin' });
    const text = await response.text();
    let json: unknown;
    try { json = JSON.parse(text); } catch { json = text; }
    return { status: response.status, json: json as Record<string, unknown> };
  }, { path, init });
}

describe.skipIf(!hasChromium || missing.length > 0)('a small team over the LAN (Chromium, two loopback addresses)', () => {
  const env = useServerAndBrowser(() => startModelServer());
  let memberBrowser: Browser | undefined;
  afterAll(() => memberBrowser?.close());

  it('owner turns LAN on and invites; the member joins on another address, chats, sees only their own; the owner sees the usage and disables them', async () => {
    const { server, browser } = env;
    const owner = await openDashboard(browser, server);
    const ownerConversation = (await server.request('/v1/conversations', { method: 'POST', token: TEST_ADMIN_KEY, body: { title: OWNER_TITLE } })).json.id as string;

    // LAN on, from the Settings page (the server rebinds to all interfaces on the same port).
    await goTo(owner.page, 'settings', 'Settings');
    // Enabled once the server's LAN status has loaded.
    await owner.page.locator('input[role="switch"]:not([disabled])').waitFor();
    // A controlled switch: it shows the server's state once the server has rebound, so click (not check) and wait.
    await owner.page.getByRole('switch').click();
    await owner.page.getByText('On: reachable from the local network').waitFor();
    const memberOrigin = server.url.replace('127.0.0.1', '127.0.0.2');
    expect((await fetch(`${memberOrigin}/healthz`)).status).toBe(200);

    // Invite from the Team page: a one-time link, shown with its expiry.
    await goTo(owner.page, 'team', 'Team');
    await owner.page.getByRole('button', { name: 'Invite someone…' }).click();
    const form = owner.page.getByRole('form', { name: 'Invite someone' });
    await form.getByLabel('Name (optional)').fill('Bob');
    await form.getByRole('button', { name: 'Create link' }).click();
    const link = await owner.page.getByTestId('team-link').textContent();
    const code = /\/invite\/([^/?#]+)/.exec(link ?? '')?.[1];
    expect(code, `invitation link ${link}`).toBeTruthy();
    await owner.page.getByRole('table', { name: 'Pending invitations' }).getByText('Bob').waitFor();

    // The member, in a fresh context on the other address: no session, the invitation page, then the dashboard.
    memberBrowser = await launchMemberChromium();
    const memberContext = await memberBrowser.newContext({ viewport: { width: 1280, height: 800 } });
    const member = await memberContext.newPage();
    const memberProblems = watchProblems(member);
    await member.goto(`${memberOrigin}/invite/${code}`);
    await member.getByRole('heading', { name: 'Welcome, Bob' }).waitFor();
    expect(await member.textContent('main')).toContain('Member');
    await member.getByLabel('Password', { exact: true }).fill('short');
    await member.getByLabel('Confirm password').fill('short');
    await member.getByRole('button', { name: 'Create my account' }).click();
    // The server's rule, inline; still on the form.
    await member.getByRole('alert').waitFor();
    await member.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await member.getByLabel('Confirm password').fill(PASSWORD);
    await member.getByRole('button', { name: 'Create my account' }).click();
    const nav = member.getByRole('navigation', { name: 'Main' });
    await nav.waitFor();
    expect(new URL(member.url()).pathname).toBe('/');
    const navText = await nav.textContent();
    expect(navText).toContain('Chat');
    expect(navText).not.toContain('Team');
    expect(navText).not.toContain('SLA');
    // The link worked once.
    expect((await fetch(`${memberOrigin}/auth/invitations/${code}`)).status).toBe(410);

    // The member chats with the real model.
    await goTo(member, 'chat', 'New chat');
    await member.getByLabel('Model').selectOption(DESIGNED);
    await member.getByLabel('Message').fill('Hi there');
    await member.getByRole('button', { name: 'Send' }).click();
    await waitForText(member.locator('.msg[data-role="assistant"]'), DESIGNED_REPLY, 30_000);
    await member.getByRole('button', { name: 'Send' }).waitFor();

    // Only their own conversations; the owner's is not found; admin routes refuse them.
    await goTo(member, 'conversations', 'Conversations');
    await member.getByText('Hi there').first().waitFor();
    expect(await member.textContent('main')).not.toContain(OWNER_TITLE);
    expect((await call(member, `/v1/conversations/${ownerConversation}`)).status).toBe(404);
    for (const path of ['/v1/admin/members', '/v1/admin/usage', '/v1/admin/audit', '/v1/admin/lan']) expect((await call(member, path)).status, path).toBe(403);
    // Their own API key, to check that disabling stops it too.
    const key = await call(member, '/auth/api-keys', { method: 'POST', body: { name: 'bob-laptop' } });
    expect(key.status).toBe(201);
    const memberKey = key.json.key as string;
    expect((await fetch(`${memberOrigin}/v1/models`, { headers: { authorization: `Bearer ${memberKey}` } })).status).toBe(200);

    // The owner sees Bob join and his usage move (the page polls; a reload is the quick way).
    await owner.page.reload();
    await owner.page.getByRole('heading', { level: 1, name: 'Team' }).waitFor();
    await owner.page.getByRole('table', { name: 'Members' }).getByRole('row', { name: /Bob/ }).waitFor();
    const bars = owner.page.getByRole('list', { name: 'Requests per member' });
    const deadline = Date.now() + 20_000;
    while (!/Bob[1-9]/.test((await bars.textContent({ timeout: 10_000 }).catch(() => '')) ?? '') && Date.now() < deadline) {
      await owner.page.waitForTimeout(1000);
      await owner.page.reload();
      await owner.page.getByRole('heading', { level: 1, name: 'Team' }).waitFor();
    }
    expect(await bars.textContent()).toMatch(/Bob[1-9]/);

    // Disable Bob: his session and his key stop at once.
    await owner.page.getByRole('button', { name: 'Disable Bob' }).click();
    await owner.page.getByRole('button', { name: 'Disable now' }).click();
    await owner.page.getByRole('table', { name: 'Members' }).getByRole('row', { name: /Bob/ }).getByText('Disabled').waitFor();
    await owner.page.getByRole('table', { name: 'Audit log' }).getByText('Bob').first().waitFor();
    expect((await call(member, '/auth/me')).status).toBe(401);
    expect((await fetch(`${memberOrigin}/v1/models`, { headers: { authorization: `Bearer ${memberKey}` } })).status).toBe(401);
    await member.reload();
    await member.getByRole('heading', { name: 'Log in to the dashboard' }).waitFor();
    // And the password no longer logs in.
    await member.getByLabel('Name', { exact: true }).fill('Bob');
    await member.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await member.getByRole('button', { name: 'Sign in' }).click();
    await member.getByRole('alert').waitFor();
    expect(await member.getByRole('heading', { name: 'Log in to the dashboard' }).count()).toBe(1);

    // Nothing broke in either page (refused calls show as failed loads, not script errors).
    expect(memberProblems.filter((p) => !/\b(401|403|404|400)\b/.test(p))).toEqual([]);
    expect(owner.problems.filter((p) => !/\b(401|403|404|400)\b/.test(p))).toEqual([]);
    await memberContext.close();
    await owner.context.close();
  }, 180_000);
});
