/**
 * Screenshots of the Team page and the invitation page with real data, for the README and for looking at:
 * `npx tsx test/e2e/take-team-screenshots.ts [outDir]` (default build/screenshots/). Starts a server with the
 * real runtime and the designed tiny model; three people join through invitations (real accept calls, real
 * passwords) and chat a different amount each; one gets quotas, one is disabled, one invitation stays pending;
 * then the owner's Team page (and again with a new invitation's link) and a fresh invitation page are
 * photographed at 1280×800 in light and dark.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rendererIsStale } from '../../build/scripts/build-state.mjs';
import { buildRenderer } from '../../build/scripts/build.mjs';
import type { Page } from 'playwright-core';
import { DESIGNED, startModelServer } from '../support/model-server.js';
import { TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';
import { launchChromium } from './support/browser.js';
import { goTo, openDashboard } from './support/dashboard.js';

const outDir = process.argv[2] ?? 'build/screenshots';
const THEMES = ['light', 'dark'] as const;
const [WIDTH, HEIGHT] = [1280, 800];

async function admin(server: TestServer, path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST') {
  const res = await server.request(path, { method, token: TEST_ADMIN_KEY, body });
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
  return res.json as Record<string, unknown>;
}

/** Invites `name`, accepts as them, and answers their session cookie. */
async function joinTeam(server: TestServer, name: string, role: 'member' | 'admin'): Promise<{ id: string; cookie: string }> {
  const invitation = await admin(server, '/v1/admin/invitations', { role, name, expires_in_seconds: 7 * 86_400 });
  const accepted = await fetch(`${server.url}/auth/invitations/${invitation.code as string}/accept`, {
    method: 'POST', headers: { 'content-type': 'application/json', origin: server.url }, body: JSON.stringify({ name, password: `${name} has a long passphrase` }),
  });
  if (accepted.status !== 201) throw new Error(`accept for ${name}: ${accepted.status} ${await accepted.text()}`);
  const cookie = accepted.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { user } = (await accepted.json()) as { user: { id: string } };
  return { id: user.id, cookie };
}

async function chat(server: TestServer, cookie: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    const res = await server.request('/v1/chat/completions', {
      method: 'POST', headers: { cookie }, body: { model: DESIGNED, messages: [{ role: 'user', content: `Question ${i}` }], temperature: 0 },
    });
    if (res.status !== 200) throw new Error(`chat: ${res.status} ${res.text}`);
  }
}

/** Three people join and chat; the newest audit rows are a disabling, a quota change and an invitation. Answers Lena's invitation code. */
async function seed(server: TestServer): Promise<string> {
  const anna = await joinTeam(server, 'Anna', 'admin');
  const ravi = await joinTeam(server, 'Ravi', 'member');
  const mei = await joinTeam(server, 'Mei', 'member');
  await chat(server, ravi.cookie, 9);
  await chat(server, anna.cookie, 5);
  await chat(server, mei.cookie, 2);
  await admin(server, '/v1/chat/completions', { model: DESIGNED, messages: [{ role: 'user', content: 'Hello' }], temperature: 0 });
  const lena = await admin(server, '/v1/admin/invitations', { role: 'member', name: 'Lena', expires_in_seconds: 7 * 86_400 });
  await admin(server, '/v1/admin/invitations', { role: 'member', name: 'Sam', expires_in_seconds: 86_400 });
  await admin(server, `/v1/admin/members/${ravi.id}/quotas`, { requests_per_minute: 30, tokens_per_day: 200_000, concurrent_streams: 2, storage_bytes: 2 * 1024 ** 3 }, 'PUT');
  await admin(server, `/v1/admin/members/${mei.id}`, { disabled: true }, 'PATCH');
  return lena.code as string;
}

/** Revokes the pending invitations named `name` (the link shots make one per theme). */
async function revokeNamed(server: TestServer, name: string): Promise<void> {
  const list = (await admin(server, '/v1/admin/invitations')).data as { id: string; name: string | null; used_at: number | null }[];
  for (const i of list.filter((x) => x.name === name && x.used_at === null)) await admin(server, `/v1/admin/invitations/${i.id}`, undefined, 'DELETE');
}

const shoot = async (page: Page, name: string) => {
  await page.mouse.move(100, 600); // an empty spot of the sidebar: no hover highlight in the shot
  await page.waitForTimeout(800);
  const file = join(outDir, `${name}.png`);
  writeFileSync(file, await page.screenshot());
  console.log(file);
};

if (rendererIsStale()) buildRenderer();
mkdirSync(outDir, { recursive: true });
const server = await startModelServer();
const lenaCode = await seed(server);
const browser = await launchChromium();
const problems: string[] = [];
// Members, pending invitations, usage bars and the newest audit rows: both themes before anything changes.
for (const theme of THEMES) {
  const open = await openDashboard(browser, server, { width: WIDTH, height: HEIGHT, theme });
  await goTo(open.page, 'team', 'Team');
  await open.page.getByRole('list', { name: 'Requests per member' }).waitFor();
  await open.page.getByRole('table', { name: 'Audit log' }).getByText('Disabled').waitFor();
  await shoot(open.page, `team-${WIDTH}x${HEIGHT}-${theme}`);
  problems.push(...open.problems);
  await open.context.close();
}
for (const theme of THEMES) {
  const open = await openDashboard(browser, server, { width: WIDTH, height: HEIGHT, theme });
  await goTo(open.page, 'team', 'Team');
  await open.page.getByRole('list', { name: 'Requests per member' }).waitFor();
  // A new invitation's link, with its copy button and expiry.
  await open.page.getByRole('button', { name: 'Invite someone…' }).click();
  await open.page.getByRole('form', { name: 'Invite someone' }).getByLabel('Name (optional)').fill('Tom');
  await open.page.getByRole('button', { name: 'Create link' }).click();
  await open.page.getByTestId('team-link').waitFor();
  await shoot(open.page, `team-invite-link-${WIDTH}x${HEIGHT}-${theme}`);
  await revokeNamed(server, 'Tom');
  problems.push(...open.problems);
  await open.context.close();

  // The invitation page as the invited person sees it: a fresh context, no session.
  const context = await browser.newContext({ viewport: { width: WIDTH, height: HEIGHT }, colorScheme: theme });
  const page = await context.newPage();
  await page.goto(`${server.url}/invite/${lenaCode}`);
  await page.getByRole('button', { name: 'Create my account' }).waitFor();
  await shoot(page, `invite-${WIDTH}x${HEIGHT}-${theme}`);
  await context.close();
}
await browser.close();
await server.close();
if (problems.length > 0) console.error('page problems:', problems);
