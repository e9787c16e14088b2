/**
 * Remote engines when things go wrong, with upstreams that are other instances of this server (scripted
 * runtime, so the tests hold generations and count them exactly): least-outstanding balancing, failover past a
 * dead engine and past a silent one, a client that leaves aborting the engine's generation, an engine's 400 in our envelope, an engine
 * killed mid-stream, and one that goes down (503 + Retry-After, ejected) and comes back (healthy again).
 */
import { createServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startScriptedServer, type ScriptedServer } from '../support/inference-server.js';
import { expectError } from '../support/error-envelope.js';
import { parseSse } from '../support/sse.js';
import { TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

const MODEL = 'shared';
const open: TestServer[] = [];

async function upstreamServer(port = 0): Promise<ScriptedServer> {
  // Killed means killed: no grace period for the requests in flight when it stops.
  const server = await startScriptedServer([MODEL], { shutdownTimeoutMs: 0, ...(port && { port }) });
  open.push(server);
  return server;
}

async function gatewayFor(engines: Array<{ name: string; server?: TestServer; port?: number }>, models?: string[], timeoutMs?: number): Promise<ScriptedServer> {
  const specs = engines.map((e) => ({
    name: e.name, url: `http://127.0.0.1:${e.port ?? new URL(e.server!.url).port}`, ...(models && { models }), ...(timeoutMs && { timeout_ms: timeoutMs }),
  }));
  const gateway = await startScriptedServer([], {
    engines: JSON.stringify(specs), engineKeys: engines.map((e) => `${e.name}=${TEST_ADMIN_KEY}`).join(','), engineCheckMs: 100,
  });
  open.push(gateway);
  return gateway;
}

async function engineStatus(gateway: TestServer, name: string) {
  const res = await gateway.request('/v1/admin/engines', { token: TEST_ADMIN_KEY });
  return res.json.data.find((e: { name: string }) => e.name === name);
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const chat = (gateway: TestServer, extra: Record<string, unknown> = {}) => gateway.request('/v1/chat/completions', {
  method: 'POST', token: TEST_ADMIN_KEY, body: { model: MODEL, messages: [{ role: 'user', content: 'Hi' }], ...extra },
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe('remote engines: balancing and failover', () => {
  it('spreads requests over two engines by requests in flight', async () => {
    const [a, b] = [await upstreamServer(), await upstreamServer()];
    const gateway = await gatewayFor([{ name: 'a', server: a }, { name: 'b', server: b }], [MODEL]);
    const releases = [a.runtime.hold(), b.runtime.hold()];
    const replies = Promise.all([1, 2, 3, 4].map(() => chat(gateway)));
    await Promise.all([a.runtime.whenWaiting(2), b.runtime.whenWaiting(2)]);
    expect((await engineStatus(gateway, 'a')).in_flight).toBe(2);
    expect((await engineStatus(gateway, 'b')).in_flight).toBe(2);
    releases.forEach((release) => release());
    for (const reply of await replies) expect(reply.status, reply.text).toBe(200);
    expect([a.runtime.generations.length, b.runtime.generations.length]).toEqual([2, 2]);
    expect((await engineStatus(gateway, 'a')).in_flight).toBe(0);
  });

  it('fails over to the next engine when one cannot be reached, before the client sees a byte', async () => {
    const dead = await upstreamServer();
    const deadPort = Number(new URL(dead.url).port);
    await dead.stop();
    const b = await upstreamServer();
    const gateway = await gatewayFor([{ name: 'dead', port: deadPort }, { name: 'b', server: b }], [MODEL]);
    for (let i = 0; i < 2; i++) {
      const reply = await chat(gateway);
      expect(reply.status, reply.text).toBe(200);
      expect(reply.headers.get('x-jan-engine')).toBe('b');
    }
    expect(b.runtime.generations).toHaveLength(2);
    const deadStatus = await engineStatus(gateway, 'dead');
    // Found dead by a request (then counted in errors_total) or first by its health check (then never sent one).
    expect(deadStatus.errors_total > 0 || deadStatus.state !== 'healthy').toBe(true);
    expect(deadStatus.last_error).toMatch(/ECONNREFUSED/);
  });

  it('gives up on an engine that accepts the connection and stays silent, and fails over', async () => {
    // Reads requests and never answers; the gateway's timeout may reset the socket, which is expected here.
    const silent = createServer((socket) => socket.on('data', () => undefined).on('error', () => undefined));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const silentPort = (silent.address() as AddressInfo).port;
      const b = await upstreamServer();
      const gateway = await gatewayFor([{ name: 'silent', port: silentPort }, { name: 'b', server: b }], [MODEL], 300);
      for (let i = 0; i < 2; i++) {
        const reply = await chat(gateway);
        expect(reply.status, reply.text).toBe(200);
        expect(reply.headers.get('x-jan-engine')).toBe('b');
      }
      expect((await engineStatus(gateway, 'silent')).last_error).toMatch(/Nothing arrived from .* for 300 ms/);
      await b.stop(); // now only the silent one is left: a 503, not a hang
      const alone = await chat(gateway);
      expectError(alone, 503, { type: 'service_unavailable_error', code: 'engine_unavailable', message: /could be reached|is healthy now/ });
    } finally {
      silent.close();
    }
  });

  it('aborts the engine\'s generation when the client goes away', async () => {
    const a = await upstreamServer();
    const gateway = await gatewayFor([{ name: 'a', server: a }], [MODEL]);
    a.runtime.hold();
    const controller = new AbortController();
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST', signal: controller.signal,
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }], stream: true }),
    });
    expect(response.status).toBe(200);
    await a.runtime.whenWaiting(1);
    controller.abort();
    // The gateway closes its connection to the engine; the engine's request signal stops the generation.
    const generation = await until('the engine to stop generating', async () => a.runtime.generations[0]?.result);
    expect(generation.finishReason).toBe('aborted');
    await until('in_flight back to 0', async () => (await engineStatus(gateway, 'a')).in_flight === 0);
  });
});

describe('remote engines: errors', () => {
  it('passes an engine\'s 400 through in our envelope, with the engine\'s message', async () => {
    const a = await upstreamServer();
    const gateway = await gatewayFor([{ name: 'a', server: a }], [MODEL]);
    const direct = await chat(a, { logprobs: true });
    expect(direct.status).toBe(400);
    const proxied = await chat(gateway, { logprobs: true });
    expectError(proxied, 400, { type: 'invalid_request_error', code: 'unsupported_value', param: 'logprobs', message: direct.json.error.message });
    expect((await engineStatus(gateway, 'a')).state).not.toBe('ejected');
  });

  it('ends a stream with an error frame when the engine is killed mid-stream', async () => {
    const a = await upstreamServer();
    a.runtime.reply = () => 'token '.repeat(20_000);
    const gateway = await gatewayFor([{ name: 'a', server: a }], [MODEL]);
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }], stream: true, max_tokens: 100_000 }),
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    await a.stop();
    let text = new TextDecoder().decode(first.value);
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    const events = parseSse(text.slice(text.lastIndexOf('\n\ndata: {"error"') + 2));
    expect(events).toHaveLength(1);
    expect(events[0]!.json).toEqual({ error: { message: expect.stringMatching(/^The engine a stopped answering mid-stream/), type: 'server_error', param: null, code: 'engine_error' } });
    expect(text).not.toContain('[DONE]');
  });

  it('answers 503 with Retry-After while the engine is down, ejects it, and takes it back when it returns', async () => {
    const a = await upstreamServer();
    const port = Number(new URL(a.url).port);
    const gateway = await gatewayFor([{ name: 'a', server: a }]);
    await until('the model to be discovered', async () => (await engineStatus(gateway, 'a')).models.includes(MODEL));
    await a.stop();
    const down = await chat(gateway);
    expectError(down, 503, { type: 'service_unavailable_error', code: 'engine_unavailable', message: /could be reached|is healthy now/ });
    expect(down.headers.get('retry-after')).toBe('1');
    await until('the engine to be ejected', async () => (await engineStatus(gateway, 'a')).state === 'ejected');
    const ejected = await chat(gateway);
    expectError(ejected, 503, { type: 'service_unavailable_error', code: 'engine_unavailable', param: 'model', message: /No engine serving 'shared' is healthy now/ });
    expect(ejected.headers.get('retry-after')).toBe('1');
    expect((await gateway.request('/metrics')).text).toContain('jan_engine_up{engine="a"} 0');

    await upstreamServer(port); // the same address again
    // Healthy, and listing the model again (a check that caught the new server before its models were ready lists none).
    await until('the engine to be healthy again', async () => {
      const status = await engineStatus(gateway, 'a');
      return status.state === 'healthy' && status.models.includes(MODEL);
    });
    const back = await chat(gateway);
    expect(back.status, back.text).toBe(200);
  });

  it('takes an engine list saved in Settings at once, and drops a removed engine', async () => {
    const a = await upstreamServer();
    const gateway = await startScriptedServer([]);
    open.push(gateway);
    const engines = JSON.stringify([{ name: 'a', url: a.url }]);
    const saved = await gateway.request('/v1/admin/settings', { method: 'PATCH', token: TEST_ADMIN_KEY, body: { values: { engines, engineCheckMs: 100 } } });
    expect(saved.status, saved.text).toBe(200);
    // No key for it (JAN_ENGINE_KEYS is env/flag only): the upstream refuses, and the engine shows why.
    await until('the refused check', async () => (await engineStatus(gateway, 'a'))?.last_error?.includes('HTTP 401'));
    expect((await engineStatus(gateway, 'a')).has_key).toBe(false);
    const settings = await gateway.request('/v1/admin/settings', { token: TEST_ADMIN_KEY });
    expect(settings.json.data.find((x: { name: string }) => x.name === 'engines')).toMatchObject({ value: engines, source: 'saved', live: true, pending_restart: false });

    const removed = await gateway.request('/v1/admin/settings', { method: 'PATCH', token: TEST_ADMIN_KEY, body: { values: { engines: null } } });
    expect(removed.status, removed.text).toBe(200);
    expect((await gateway.request('/v1/admin/engines', { token: TEST_ADMIN_KEY })).json.data).toEqual([]);
    expect((await gateway.request('/metrics')).text).not.toContain('jan_engine_up{engine="a"}');
  });

  it('refuses an engine list the schema rejects, by the setting\'s name, when saved in Settings', async () => {
    const gateway = await startScriptedServer([]);
    open.push(gateway);
    const res = await gateway.request('/v1/admin/settings', { method: 'PATCH', token: TEST_ADMIN_KEY, body: { values: { engines: '[{"name":"x","url":"ftp://h"}]' } } });
    expect(res.status, res.text).toBe(400);
    expect(res.json.error.message).toMatch(/url: must be an http\(s\) base URL/);
  });
});
