/**
 * CSRF in a real browser. Chromium holds the dashboard's session cookie (SameSite=Strict); a page served from
 * another port of 127.0.0.1 (another origin, but the same site, so the browser does attach the cookie) tries
 * every "simple" cross-origin write it can make without a CORS preflight: no-cors fetches with text/plain,
 * form-encoded and no body, and auto-submitted HTML forms (form-encoded and text/plain). None may write.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_KEY } from '../support/test-server.js';
import { hasChromium, SKIP_REASON } from './support/browser.js';
import { useServerAndBrowser } from './support/server-and-browser.js';

if (!hasChromium) console.warn(SKIP_REASON);

/** The forged JSON a form can carry: the input's name is the JSON, its value closes the string it opens. */
const formField = (json: string) => `<input type="hidden" name='${json.slice(0, -1)},"x":"' value='"}'>`;

/** The attacker's page: the fetches, then the forms (each into its own frame), then `document.title = 'sent'`. */
function attackPage(target: string): string {
  const form = (i: number, path: string, enctype: string, json: string) =>
    `<iframe name="f${i}"></iframe><form method="POST" action="${target}${path}" target="f${i}" enctype="${enctype}">${formField(json)}</form>`;
  return `<!doctype html><title>attacker</title>
${form(1, '/v1/conversations', 'application/x-www-form-urlencoded', '{"title":"form-encoded"}')}
${form(2, '/v1/conversations', 'text/plain', '{"title":"form text/plain"}')}
${form(3, '/auth/api-keys', 'text/plain', '{"name":"form text/plain"}')}
<script>
const target = ${JSON.stringify(target)};
const write = { method: 'POST', mode: 'no-cors', credentials: 'include' };
const formEncoded = { 'content-type': 'application/x-www-form-urlencoded' };
Promise.allSettled([
  fetch(target + '/v1/conversations', { ...write, body: 'x=1' }),
  fetch(target + '/v1/conversations', { ...write, body: new URLSearchParams('x=1') }),
  fetch(target + '/v1/conversations', { ...write, headers: formEncoded, body: '{"title":"no-cors form-encoded JSON"}' }),
  fetch(target + '/v1/conversations', { ...write, body: '{"title":"no-cors text/plain JSON"}' }),
  fetch(target + '/v1/conversations', write),
  fetch(target + '/auth/api-keys', { ...write, headers: formEncoded, body: '{"name":"no-cors"}' }),
]).then(() => {
  for (const form of document.forms) form.submit();
  document.title = 'sent';
});
</script>`;
}

const WRITES = 9; // six fetches, three forms

describe.skipIf(!hasChromium)('CSRF from another origin (Chromium)', () => {
  const env = useServerAndBrowser();
  let attacker: Server;
  let attackerUrl: string;

  beforeAll(async () => {
    attacker = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(attackPage(env.server.url)));
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => attacker.close(() => resolve())));

  const asAdmin = async (path: string) =>
    (await fetch(`${env.server.url}${path}`, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } })).json() as Promise<{ data?: unknown[]; items?: unknown[] }>;

  it('a page on another loopback port cannot write with the dashboard session (fetch no-cors, forms)', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${env.server.url}/?token=${env.server.services.sessions.newLoginLinkToken()}`);
    expect((await context.cookies()).map((c) => c.name)).toEqual(['jan_session']);

    const writes: Response[] = [];
    context.on('response', (response) => {
      if (response.url().startsWith(env.server.url) && response.request().method() === 'POST') writes.push(response);
    });
    await page.goto(attackerUrl);
    await page.waitForFunction("document.title === 'sent'");
    for (let waited = 0; writes.length < WRITES && waited < 10_000; waited += 100) await page.waitForTimeout(100);

    // Chromium keeps no body for some of them (opaque no-cors answers, replaced frames): what it kept is checked.
    const seen = await Promise.all(writes.map(async (r) => ({ path: new URL(r.url()).pathname, status: r.status(), body: await r.text().catch(() => null) })));
    expect(seen.map((write) => [write.path, write.status]).sort()).toEqual([
      ...Array(2).fill(['/auth/api-keys', 403]), ...Array(7).fill(['/v1/conversations', 403]),
    ]);
    // Refused as writes carried by the session cookie: so the browser did send it (without it they would be 401s).
    const refused = `Cross-origin write refused: Origin '${attackerUrl.slice(0, -1)}' is not this server's origin (${env.server.url}). ` +
      'The dashboard session only works from the dashboard; other clients send an API key.';
    for (const { body } of seen) {
      if (body !== null) expect(JSON.parse(body)).toEqual({ error: { message: refused, type: 'permission_error', param: null, code: 'forbidden' } });
    }
    expect(seen.filter((write) => write.body !== null).length).toBeGreaterThan(0);
    expect((await asAdmin('/v1/conversations')).data).toEqual([]);
    expect((await asAdmin('/auth/api-keys')).items).toEqual([]);

    // The same session still writes from the dashboard's own origin.
    await page.goto(`${env.server.url}/auth/me`);
    const own = await page.evaluate(async () => {
      const res = await fetch('/v1/conversations', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"title":"from the dashboard"}' });
      return [res.status, ((await res.json()) as { title: string }).title];
    });
    expect(own).toEqual([200, 'from the dashboard']);
    await context.close();
  });
});
