/**
 * Every limit reached over HTTP: request rate (per client and server-wide), requests in flight, streams and
 * connections. Each refusal is the OpenAI envelope with Retry-After (429 for rate, 503 for capacity), health
 * checks still answer (and say `degraded`), and other clients are still served.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { expectError } from '../support/error-envelope.js';
import { startScriptedServer } from '../support/inference-server.js';
import { rawRequest } from '../support/raw-http.js';
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const admin = { token: TEST_ADMIN_KEY };

/** Opens a TCP connection and, if given, sends `text`; `response` collects everything until the server closes. */
function openSocket(url: string, text?: string): Promise<{ socket: Socket; response: Promise<string> }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      const response = new Promise<string>((done) => socket.once('close', () => done(Buffer.concat(chunks).toString('utf8'))));
      if (text) socket.write(text);
      resolve({ socket, response });
    });
    socket.once('error', reject);
  });
}

function parseResponse(raw: string) {
  const [head, body = ''] = raw.split('\r\n\r\n');
  const [statusLine, ...lines] = head!.split('\r\n');
  const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  return { status: Number(statusLine!.split(' ')[1]), headers, json: JSON.parse(body) };
}

const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TEST_ADMIN_KEY}\r\n${extra}\r\n`;

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('request rate', () => {
  it('429s a client over its rate with Retry-After and x-ratelimit headers, and keeps serving others', async () => {
    server = await startTestServer({ clientRateLimit: 1, rateHardLimit: 1000, rateSoftLimit: 1000 });
    const other = await server.guestToken(); // the guest's own bucket (and the address's) is used by this call
    const burst = await Promise.all([1, 2, 3, 4].map(() => server!.request('/v1/conversations', admin)));
    const refused = burst.filter((r) => r.status === 429);
    expect(burst.filter((r) => r.status === 200)).toHaveLength(1);
    expect(refused).toHaveLength(3);
    expectError(refused[0]!, 429, {
      type: 'rate_limit_error', code: 'rate_limit_exceeded',
      message: 'Rate limit reached for your credentials or address: 1 requests per second. Retry after the time in Retry-After.',
    });
    expect(refused[0]!.headers.get('retry-after')).toBe('1');
    expect(refused[0]!.headers.get('x-ratelimit-limit-requests')).toBe('1');
    expect(refused[0]!.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(refused[0]!.headers.get('x-ratelimit-reset-requests')).toMatch(/^\d+ms$|^1s$/);
    const served = await server.request('/v1/conversations', { token: other });
    expect(served.status).toBe(200);
    expect(served.headers.get('x-ratelimit-limit-requests')).toBe('1');
  });

  it('429s everyone once the server-wide rate is spent, says so, and health says degraded', async () => {
    server = await startTestServer({ clientRateLimit: 1000, rateHardLimit: 2, rateSoftLimit: 1 });
    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => server!.request('/v1/conversations', admin)));
    const refused = answers.find((r) => r.status === 429)!;
    expectError(refused, 429, { type: 'rate_limit_error', code: 'rate_limit_exceeded', message: /^Rate limit reached for this server: 2 requests per second\./ });
    const health = await server.request('/v1/health');
    expect(health.status).toBe(200);
    expect(health.json).toMatchObject({ status: 'degraded', degraded_reasons: ['rate_hard_limit'] });
  });

  it('never limits health checks or /metrics, and counts soft overruns and refusals', async () => {
    server = await startTestServer({ clientRateLimit: 1, rateHardLimit: 1, rateSoftLimit: 1 });
    await Promise.all([1, 2, 3].map(() => server!.request('/v1/conversations', admin)));
    const probes = await Promise.all(
      ['/healthz', '/readyz', '/v1/health', '/metrics'].flatMap((path) => [1, 2, 3].map(() => server!.request(path, admin))),
    );
    expect(probes.map((r) => r.status)).toEqual(Array(12).fill(200));
    expect(probes[0]!.headers.get('x-ratelimit-limit-requests')).toBeNull();
    const metrics = probes.at(-1)!.text;
    expect(metrics).toMatch(/^jan_limit_rejections_total\{limit="rate"\} 2$/m);
    expect(metrics).toMatch(/^jan_limit_soft_exceeded_total\{limit="rate"\} 2$/m);
  });
});

describe('requests in flight (queue depth)', () => {
  it('503s past the queue depth while the accepted requests complete; health still answers', async () => {
    server = await startTestServer({ queueDepthLimit: 2 });
    // Two requests whose bodies are still arriving are in flight.
    const body = JSON.stringify({ title: 'slow' });
    const head = `POST /v1/conversations HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TEST_ADMIN_KEY}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
    const slow = await Promise.all([1, 2].map(() => openSocket(server!.url, head + body.slice(0, 5))));
    await until(() => server!.services.limits.queue.current === 2);
    const refused = await server.request('/v1/conversations', admin);
    expectError(refused, 503, { type: 'service_unavailable_error', code: 'queue_limit_reached', message: 'The server has too many requests in progress; try again shortly.' });
    expect(refused.headers.get('retry-after')).toBe('1');
    const health = await server.request('/v1/health');
    expect(health.json).toMatchObject({ status: 'degraded', degraded_reasons: ['queue_hard_limit'] });
    for (const { socket } of slow) socket.write(body.slice(5));
    const finished = await Promise.all(slow.map(({ response }) => response.then(parseResponse)));
    expect(finished.map((r) => [r.status, r.json.title])).toEqual([[200, 'slow'], [200, 'slow']]);
    expect((await server.request('/v1/conversations', admin)).status).toBe(200);
  });
});

describe('open connections', () => {
  it('answers requests on connections past the hard limit with a 503 and closes them; health is still served', async () => {
    server = await startTestServer({ connectionsSoftLimit: 1, connectionsHardLimit: 3 });
    const limits = server.services.limits;
    const held: Socket[] = [];
    while (limits.connections.current < 3) {
      held.push((await openSocket(server.url)).socket);
      await until(() => limits.connections.current >= held.length);
    }
    const over = await openSocket(server.url, get('/v1/conversations'));
    const refused = parseResponse(await over.response);
    expect(refused).toEqual({
      status: 503,
      headers: expect.objectContaining({ 'retry-after': '1', connection: 'close', 'content-type': 'application/json; charset=utf-8' }),
      json: { error: { message: 'The server has too many open connections; try again shortly.', type: 'service_unavailable_error', param: null, code: 'connections_limit_reached' } },
    });
    const probe = parseResponse(await (await openSocket(server.url, get('/v1/health'))).response);
    expect(probe.status).toBe(200);
    expect(probe.json).toMatchObject({ status: 'degraded', degraded_reasons: ['connections_hard_limit'] });
    for (const socket of held) socket.destroy();
    await until(() => limits.connections.current === 0);
    const after = await rawRequest(server.url, { path: '/v1/conversations', headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
    expect(after.status).toBe(200);
  });
});

describe('open streams', () => {
  it('503s a new stream past the hard limit while non-streamed requests are still served', async () => {
    const scripted = await startScriptedServer(['test-model'], { streamsSoftLimit: 1, streamsHardLimit: 1 });
    server = scripted;
    const release = scripted.runtime.hold();
    const streamBody = { model: 'test-model', messages: [{ role: 'user', content: 'hi' }], stream: true };
    const first = scripted.request('/v1/chat/completions', { method: 'POST', ...admin, body: streamBody });
    await scripted.runtime.whenWaiting(1);
    const second = await scripted.request('/v1/chat/completions', { method: 'POST', ...admin, body: streamBody });
    expectError(second, 503, { type: 'service_unavailable_error', code: 'streams_limit_reached', message: 'Too many streamed responses are open; try again shortly.' });
    expect(second.headers.get('retry-after')).toBe('1');
    expect((await scripted.request('/v1/conversations', admin)).status).toBe(200);
    expect((await scripted.request('/v1/health')).json).toMatchObject({ status: 'degraded', degraded_reasons: ['streams_hard_limit'] });
    release();
    expect((await first).status).toBe(200);
    await until(() => scripted.services.limits.streams.current === 0);
    const third = await scripted.request('/v1/chat/completions', { method: 'POST', ...admin, body: streamBody });
    expect(third.status).toBe(200);
    expect(third.text).toMatch(/data: \[DONE\]\n\n$/);
  });
});
