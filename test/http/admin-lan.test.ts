/**
 * The LAN switch (`/v1/admin/lan`): rebinding to all interfaces and back without a restart, guest login and
 * the Host check following the binding, and requests in flight surviving the switch.
 */
import { Agent, request as httpRequest } from 'node:http';
import { hostname, networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/error-envelope.js';
import { rawRequest } from '../support/raw-http.js';
import { slowPost } from '../support/slow-post.js';
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

const admin = { token: TEST_ADMIN_KEY };

/** This machine's non-loopback IPv4 addresses (what a LAN client would use). */
const lanAddresses = Object.values(networkInterfaces())
  .flatMap((list) => list ?? [])
  .filter((a) => a.family === 'IPv4' && !a.internal)
  .map((a) => a.address);

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('LAN access switch', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  const off = () => ({
    object: 'lan_access', enabled: false, host: '127.0.0.1', port: server.port, local_url: server.url,
    lan_urls: [], lan_hostnames: [], guest_login: true,
  });

  it('starts on loopback', async () => {
    const res = await server.request('/v1/admin/lan', admin);
    expect({ status: res.status, body: res.json }).toEqual({ status: 200, body: off() });
  });

  it('needs an admin credential', async () => {
    expectError(await server.request('/v1/admin/lan', { method: 'POST', body: { enabled: true } }), 401, {
      type: 'authentication_error', code: 'invalid_api_key',
    });
    const guest = await server.guestToken();
    expectError(await server.request('/v1/admin/lan', { method: 'POST', token: guest, body: { enabled: true } }), 403, {
      type: 'permission_error', code: 'forbidden', message: 'This endpoint needs an admin credential.',
    });
    expect((await server.request('/v1/admin/lan', admin)).json.enabled).toBe(false);
  });

  it('rejects a body without a boolean `enabled`', async () => {
    const res = await server.request('/v1/admin/lan', { ...admin, method: 'POST', body: { enabled: 'yes' } });
    expectError(res, 400, {
      type: 'invalid_request_error', code: 'invalid_type', param: 'enabled', message: "Invalid 'enabled': Invalid input: expected boolean, received string",
    });
  });

  it('on: listens on all interfaces, lists the LAN URLs, turns guest login off, accepts the machine name', async () => {
    const res = await server.request('/v1/admin/lan', { ...admin, method: 'POST', body: { enabled: true } });
    const name = hostname().toLowerCase();
    expect({ status: res.status, body: res.json }).toEqual({
      status: 200,
      body: {
        object: 'lan_access', enabled: true, host: '0.0.0.0', port: server.port, local_url: server.url,
        lan_urls: lanAddresses.map((a) => `http://${a}:${server.port}`),
        lan_hostnames: name.includes('.') ? [name] : [name, `${name}.local`],
        guest_login: false,
      },
    });

    // Reachable from another interface if this machine has one; on 0.0.0.0 loopback still answers too.
    for (const url of [server.url, ...res.json.lan_urls]) expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expectError(await server.request('/auth/guest-login', { method: 'POST', body: {} }), 403, {
      type: 'permission_error', code: 'guest_login_disabled',
    });
    const byName = await rawRequest(server.url, { path: '/healthz', headers: { host: `${res.json.lan_hostnames[0]}:${server.port}` } });
    expect(byName.status).toBe(200);
    const foreign = await rawRequest(server.url, { path: '/healthz', headers: { host: 'attacker.example' } });
    expect(foreign.status).toBe(403);
  });

  it('switching on again is a no-op that reports the same state', async () => {
    const res = await server.request('/v1/admin/lan', { ...admin, method: 'POST', body: { enabled: true } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ enabled: true, host: '0.0.0.0', port: server.port });
  });

  it('off: back to loopback only, guest login and the Host check as before', async () => {
    const res = await server.request('/v1/admin/lan', { ...admin, method: 'POST', body: { enabled: false } });
    expect({ status: res.status, body: res.json }).toEqual({ status: 200, body: off() });

    for (const address of lanAddresses) await expect(fetch(`http://${address}:${server.port}/healthz`)).rejects.toThrow();
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await server.request('/auth/guest-login', { method: 'POST', body: {} })).status).toBe(201);
    const name = hostname().toLowerCase();
    const byName = await rawRequest(server.url, { path: '/healthz', headers: { host: name.includes('.') ? name : `${name}.local` } });
    expect(byName.status).toBe(403);
  });

  it('a local keep-alive connection opened before a switch keeps working after it', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
        const req = httpRequest(`${server.url}/healthz`, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
        });
        req.on('error', reject);
        req.end();
      });
    try {
      expect(await get()).toEqual({ status: 200, reused: false });
      for (const enabled of [true, false]) {
        await server.request('/v1/admin/lan', { ...admin, method: 'POST', body: { enabled } });
        expect(await get()).toEqual({ status: 200, reused: true });
      }
    } finally {
      agent.destroy();
    }
  });

  it.skipIf(lanAddresses.length === 0)('off closes idle keep-alive connections that came in over the LAN', async () => {
    await server.request('/v1/admin/lan', { ...admin, method: 'POST', body: { enabled: true } });
    const agent = new Agent({ keepAlive: true });
    try {
      // Wrapped: resolving with the promise itself would wait for the close here.
      const { socketClosed } = await new Promise<{ socketClosed: Promise<void> }>((resolve, reject) => {
        const req = httpRequest(`http://${lanAddresses[0]}:${server.port}/healthz`, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve({ socketClosed: new Promise((closed) => req.socket!.once('close', () => closed())) }));
        });
        req.on('error', reject);
        req.end();
      });
      await server.request('/v1/admin/lan', { ...admin, method: 'POST', body: { enabled: false } });
      // Closed by the switch, not by the 5 s keep-alive timeout (the agent would keep it open that long).
      const started = Date.now();
      await socketClosed;
      expect(Date.now() - started).toBeLessThan(4000);
    } finally {
      agent.destroy();
    }
  });

  it.each([true, false])('a request in flight while switching to enabled=%s completes on its connection', async (enabled) => {
    const pending = slowPost(server.url, '/v1/conversations', JSON.stringify({ title: `in flight ${enabled}` }), 5);
    await pause(100); // the server has the headers and the first bytes of the body

    const switched = await server.request('/v1/admin/lan', { ...admin, method: 'POST', body: { enabled } });
    expect(switched.json.enabled).toBe(enabled);

    pending.finish();
    const response = await pending.response;
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ object: 'conversation', title: `in flight ${enabled}` });
    const listed = await server.request('/v1/conversations?limit=100', admin);
    expect(listed.json.data.map((c: { title: string }) => c.title)).toContain(`in flight ${enabled}`);
  });
});

describe('LAN access with authentication off', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ auth: false });
  });
  afterAll(() => server.close());

  it('refuses to switch on with 409 lan_requires_auth and stays on loopback', async () => {
    const res = await server.request('/v1/admin/lan', { method: 'POST', body: { enabled: true } });
    expectError(res, 409, {
      type: 'conflict_error', code: 'lan_requires_auth', message: 'LAN access needs authentication: start the server with JAN_AUTH=on.',
    });
    expect((await server.request('/v1/admin/lan')).json).toMatchObject({ enabled: false, host: '127.0.0.1' });
  });
});

describe('a server started on all interfaces', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ host: '0.0.0.0' });
  });
  afterAll(() => server.close());

  it('reports LAN access on and switches to loopback and back to 0.0.0.0', async () => {
    expect((await server.request('/v1/admin/lan', admin)).json).toMatchObject({ enabled: true, host: '0.0.0.0', guest_login: false });
    const off = await server.request('/v1/admin/lan', { ...admin, method: 'POST', body: { enabled: false } });
    expect(off.json).toMatchObject({ enabled: false, host: '127.0.0.1', lan_urls: [], guest_login: true });
    const on = await server.request('/v1/admin/lan', { ...admin, method: 'POST', body: { enabled: true } });
    expect(on.json).toMatchObject({ enabled: true, host: '0.0.0.0', guest_login: false });
  });
});
