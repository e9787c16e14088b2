/** Shared steps of the team tests: invite, accept, log in, read the session cookie. */
import { expect } from 'vitest';
import { TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

/** The `jan_session=…` pair of a response's Set-Cookie, or undefined. */
export function cookieOf(headers: Headers): string | undefined {
  return headers.getSetCookie().find((c) => c.startsWith('jan_session=') && !c.startsWith('jan_session=;'))?.split(';')[0];
}

export const PASSWORD = 'violet-harbour-47';

/** An invitation made by `token` (the owner's admin key by default); answers the create response's body. */
export async function invite(server: TestServer, body: Record<string, unknown> = { role: 'member' }, token = TEST_ADMIN_KEY) {
  const res = await server.request('/v1/admin/invitations', { method: 'POST', token, body });
  expect(res.status, res.text).toBe(201);
  return res.json as { id: string; code: string; url: string; role: string };
}

/** Accepts an invitation as a browser on this server would; answers the user and the session cookie. */
export async function accept(server: TestServer, code: string, name: string, password = PASSWORD) {
  const res = await server.request(`/auth/invitations/${code}/accept`, { method: 'POST', body: { name, password }, headers: { origin: server.url } });
  expect(res.status, res.text).toBe(201);
  return { user: res.json.user as { id: string; name: string; role: string }, cookie: cookieOf(res.headers)! };
}

/** A new team account of `role`, signed in: its id, session cookie and an API key of its own. */
export async function newMember(server: TestServer, name: string, role: 'member' | 'admin' = 'member') {
  const { code } = await invite(server, { role });
  const { user, cookie } = await accept(server, code, name);
  const key = await server.request('/auth/api-keys', { method: 'POST', headers: { cookie }, body: { name: `${name}-key` } });
  expect(key.status, key.text).toBe(201);
  return { id: user.id, cookie, key: key.json.key as string, keyId: key.json.id as string };
}

export function login(server: TestServer, name: string, password: string, headers: Record<string, string> = {}) {
  return server.request('/auth/login', { method: 'POST', body: { name, password }, headers });
}

/** The owner's user id. */
export async function ownerId(server: TestServer): Promise<string> {
  return (await server.request('/auth/me', { token: TEST_ADMIN_KEY })).json.id as string;
}
