/** Logging in to the built dashboard in Chromium: the printed link, its single use, an API key (made a session), logging out. */
import { describe, expect, it } from 'vitest';
import { TEST_ADMIN_KEY } from '../support/test-server.js';
import { hasChromium, SKIP_REASON, watchProblems } from './support/browser.js';
import { openDashboard } from './support/dashboard.js';
import { useServerAndBrowser } from './support/server-and-browser.js';

if (!hasChromium) console.warn(SKIP_REASON);

describe.skipIf(!hasChromium)('dashboard login (Chromium)', () => {
  const env = useServerAndBrowser();

  it('the printed link logs in once, leaves the address bar, and sets an HttpOnly session cookie', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(env.server.dashboardUrl);
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    expect(page.url()).toBe(`${env.server.url}/`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Overview');
    const cookies = await context.cookies();
    expect(cookies.map((c) => [c.name, c.httpOnly, c.sameSite])).toEqual([['jan_session', true, 'Strict']]);
    // The bundle runs under the strict CSP: no blocked script or style, no uncaught error.
    expect(problems).toEqual([]);

    // Keyboard: Tab walks the navigation in order, then the theme switch; every stop has a name.
    const names: string[] = [];
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Tab');
      names.push(await page.evaluate('document.activeElement.getAttribute("aria-label") ?? document.activeElement.textContent'));
    }
    expect(names).toEqual(['Overview', 'SLA', 'Chat', 'Conversations', 'Models', 'Hub', 'Media', 'Settings', 'Team', 'Switch to dark theme']);

    const again = await (await env.browser.newContext()).newPage();
    const response = await again.goto(env.server.dashboardUrl);
    expect(response?.status()).toBe(401);
    expect(await again.textContent('body')).toContain('That login link was already used or has expired.');
    await context.close();
  });

  it('without a session it says how to log in, and an API key works too', async () => {
    const { page, context, problems } = await openDashboard(env.browser, env.server, { login: false });
    await page.getByRole('heading', { name: 'Log in to the dashboard' }).waitFor();
    expect(await page.textContent('main')).toContain('Open the Dashboard: link that npm start printed');
    await page.getByLabel('Or use an API key').fill('sk_not_a_key_at_all');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText('That API key was not accepted.').waitFor();

    await page.getByLabel('Or use an API key').fill(TEST_ADMIN_KEY);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    // The key became a server-side session (POST /auth/sessions): an HttpOnly cookie, and no key in the page's storage.
    const cookies = await context.cookies();
    expect(cookies.map((c) => [c.name, c.httpOnly, c.sameSite])).toEqual([['jan_session', true, 'Strict']]);
    const stored = await page.evaluate('JSON.stringify([{ ...sessionStorage }, { ...localStorage }, document.cookie])');
    expect(stored).not.toContain(TEST_ADMIN_KEY);
    // A reload stays logged in (the cookie, not the page's memory), and logging out ends that session too.
    await page.reload();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in to the dashboard' }).waitFor();
    expect(await context.cookies()).toEqual([]);
    const replay = await fetch(`${env.server.url}/auth/me`, { headers: { cookie: `jan_session=${cookies[0]!.value}` } });
    expect(replay.status).toBe(401);
    expect(problems.filter((p) => !p.includes('401'))).toEqual([]);
    await context.close();
  });

  it('serves the built app: index.html never cached, with a strict CSP; hashed assets cached for a year; nothing else', async () => {
    const index = await fetch(env.server.url);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-store');
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(index.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const html = await index.text();
    const script = /<script type="module" crossorigin src="\/assets\/([\w.-]+\.js)">/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${env.server.url}/assets/${script}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-encoding')).toBe('gzip');
    for (const path of ['/assets/nope.js', '/assets/..%2F..%2Fpackage.json', '/assets/.vite%2Fmanifest.json', '/assets/%2e%2e%2findex.html']) {
      const miss = await fetch(env.server.url + path);
      expect(miss.status, path).toBe(404);
      expect(((await miss.json()) as { error: { type: string } }).error.type).toBe('not_found_error');
    }
  });

  it('logging out ends the session on the server, clears the cookie and returns to the login screen', async () => {
    const { page, context } = await openDashboard(env.browser, env.server);
    const [session] = await context.cookies();
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in to the dashboard' }).waitFor();
    expect(await context.cookies()).toEqual([]);
    // A copy of the cookie kept from before (another tab, a stolen one) no longer works.
    const replay = await fetch(`${env.server.url}/auth/me`, { headers: { cookie: `jan_session=${session!.value}` } });
    expect(replay.status).toBe(401);
    await page.reload();
    await page.getByRole('heading', { name: 'Log in to the dashboard' }).waitFor();
    await context.close();
  });
});
