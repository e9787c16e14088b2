/**
 * Pulling models from the Hub stand-in: a pull lands in the models folder, is listed by /v1/models and can
 * be chatted with; progress as SSE; a download cut mid-way resumes with Range and is byte-exact; a corrupt
 * byte is refused by the SHA-256 check; a full disk is a 507 with the numbers; gated repositories need the
 * token, which never shows in answers or logs and never reaches the CDN; pause, resume and cancel; bad input.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/error-envelope.js';
import { writeDesignedModel } from '../support/gguf/designed-model.js';
import { writeRandomModel } from '../support/gguf/random-model.js';
import { HubStandin, startHubServer, waitForPull, type HubTestServer } from '../support/hf-hub-standin.js';
import { parseSse } from '../support/sse.js';
import { TEST_ADMIN_KEY } from '../support/test-server.js';

const token = TEST_ADMIN_KEY;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let standin: HubStandin;
let designed: Buffer;
let bigger: Buffer;
let scratch: string;
let server: HubTestServer | undefined;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'jan-hub-pull-'));
  writeDesignedModel(join(scratch, 'designed.gguf'));
  writeRandomModel(join(scratch, 'random.gguf'), { params: 2e6, vocabSize: 2000, contextLength: 4096 });
  designed = await readFile(join(scratch, 'designed.gguf'));
  bigger = await readFile(join(scratch, 'random.gguf'));
  standin = new HubStandin();
  standin.addRepo({ id: 'acme/Designed-GGUF', license: 'mit', files: [{ path: 'designed-Q8_0.gguf', bytes: designed }, { path: 'README.md', bytes: Buffer.from('# hi') }] });
  standin.addRepo({ id: 'acme/Random-GGUF', files: [{ path: 'random-F16.gguf', bytes: bigger }] });
  standin.addRepo({
    id: 'acme/Split-GGUF',
    files: [
      { path: 'split-Q4_K_M-00001-of-00002.gguf', bytes: designed },
      { path: 'split-Q4_K_M-00002-of-00002.gguf', bytes: bigger.subarray(0, 200_000) },
    ],
  });
  standin.addRepo({ id: 'gated/Locked-GGUF', gated: 'manual', files: [{ path: 'locked-Q4_0.gguf', bytes: designed }] });
  await standin.start();
});

afterEach(async () => {
  await server?.close();
  server = undefined;
});

afterAll(async () => {
  await standin?.close();
  await rm(scratch, { recursive: true, force: true });
});

const pull = (s: HubTestServer, body: unknown) => s.request('/v1/models/pull', { method: 'POST', token, body });
const modelIds = async (s: HubTestServer) => (await s.request('/v1/models', { token })).json.data.map((m: { id: string }) => m.id);

describe('POST /v1/models/pull', () => {
  it('downloads, verifies and installs the model; /v1/models lists it and chat works with it', async () => {
    server = await startHubServer(standin);
    const started = await pull(server, { model: 'hf.co/acme/Designed-GGUF:Q8_0' });
    expect(started.status).toBe(202);
    expect(started.json).toEqual({
      id: expect.stringMatching(/^pull_[0-9a-f]{24}$/), object: 'model.pull', model: 'hf.co/acme/Designed-GGUF:Q8_0', repo: 'acme/Designed-GGUF',
      quantization: 'Q8_0', files: ['designed-Q8_0.gguf'], status: expect.stringMatching(/^(queued|downloading|verifying|completed)$/),
      bytes_total: designed.length, bytes_done: expect.any(Number), rate_bytes_per_second: expect.any(Number), eta_seconds: expect.toSatisfy((e: unknown) => e === null || typeof e === 'number'),
      error: null, model_id: null, created_at: expect.any(Number), updated_at: expect.any(Number),
    });
    const done = await waitForPull(server, started.json.id, (p) => p.status === 'completed');
    expect(done).toMatchObject({ status: 'completed', bytes_done: designed.length, model_id: 'designed-Q8_0', error: null, eta_seconds: null });
    expect(sha(await readFile(join(server.modelsDir, 'designed-Q8_0.gguf')))).toBe(sha(designed));
    expect((await readdir(server.modelsDir)).filter((f) => f.endsWith('.part'))).toEqual([]);
    expect(await modelIds(server)).toContain('designed-Q8_0');
    const chat = await server.request('/v1/chat/completions', { method: 'POST', token, body: { model: 'designed-Q8_0', messages: [{ role: 'user', content: 'hi' }] } });
    expect(chat.status).toBe(200);
    expect(chat.json.model).toBe('designed-Q8_0');
    const listed = await server.request('/v1/models/pulls', { token });
    expect(listed.json).toEqual({ object: 'list', data: [expect.objectContaining({ id: started.json.id, status: 'completed' })] });
    // Pulling it again is refused: the file is installed.
    expectError(await pull(server, { model: 'hf.co/acme/Designed-GGUF:Q8_0' }), 409, { type: 'conflict_error', code: 'model_exists', param: 'model' });
  });

  it('streams progress as events, each the pull object, ending with completed; a split model comes as a set', async () => {
    server = await startHubServer(standin);
    const response = await fetch(`${server.url}/v1/models/pull`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ repo: 'acme/Split-GGUF', file: 'split-Q4_K_M-00002-of-00002.gguf', stream: true }),
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = parseSse(await response.text()).map((e) => JSON.parse(e.data) as { status: string; object: string; bytes_done: number; files: string[] });
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events.every((e) => e.object === 'model.pull')).toBe(true);
    expect(events.at(-1)).toMatchObject({ status: 'completed', model: 'hf.co/acme/Split-GGUF:Q4_K_M', files: ['split-Q4_K_M-00001-of-00002.gguf', 'split-Q4_K_M-00002-of-00002.gguf'] });
    const done = events.map((e) => e.bytes_done);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect((await readdir(server.modelsDir)).sort()).toEqual(['split-Q4_K_M-00001-of-00002.gguf', 'split-Q4_K_M-00002-of-00002.gguf']);
  });

  it('resumes a download cut mid-way with a Range request, byte-exact and SHA-256 checked', async () => {
    server = await startHubServer(standin);
    standin.cutOnce('random-F16.gguf', Math.floor(bigger.length / 2));
    const before = standin.requests('cdn', 'random-F16').length;
    const started = await pull(server, { repo: 'acme/Random-GGUF', file: 'random-F16.gguf' });
    await waitForPull(server, started.json.id, (p) => p.status === 'completed');
    const ranges = standin.requests('cdn', 'random-F16').slice(before).map((r) => r.headers.range);
    // The second request asks for the rest from where the part file ended (what arrived before the cut).
    expect(ranges).toEqual([undefined, expect.stringMatching(/^bytes=\d+-$/)]);
    const resumedAt = Number(/\d+/.exec(ranges[1]!)![0]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(Math.floor(bigger.length / 2));
    expect((await readFile(join(server.modelsDir, 'random-F16.gguf'))).equals(bigger)).toBe(true);
  });

  it('refuses a file with a corrupted byte: the pull fails, the file is deleted and not listed', async () => {
    server = await startHubServer(standin);
    standin.corruptByte('designed-Q8_0.gguf', 5000);
    try {
      const started = await pull(server, { model: 'hf.co/acme/Designed-GGUF:Q8_0' });
      const failed = await waitForPull(server, started.json.id, (p) => p.status === 'failed');
      expect(failed.error.message).toMatch(/designed-Q8_0\.gguf failed its SHA-256 check/);
      expect(await readdir(server.modelsDir)).toEqual([]);
      expect(await modelIds(server)).not.toContain('designed-Q8_0');
    } finally {
      standin.corruptByte('none', 0);
    }
  });

  it('answers 507 with the numbers when the disk has no room, and starts nothing', async () => {
    server = await startHubServer(standin);
    server.services.hub.machine.freeDiskBytes = async () => 1000;
    const response = await pull(server, { model: 'hf.co/acme/Random-GGUF:F16' });
    expectError(response, 507, { type: 'server_error', code: 'insufficient_storage', param: 'model', message: new RegExp(`needs ${bigger.length} bytes .* has 1000 bytes .* free`) });
    expect((await server.request('/v1/models/pulls', { token })).json.data).toEqual([]);
  });

  it('gated: 403 saying a token is needed without one; with JAN_HF_TOKEN it downloads, and the token shows nowhere', async () => {
    server = await startHubServer(standin);
    expectError(await pull(server, { model: 'hf.co/gated/Locked-GGUF:Q4_0' }), 403, { type: 'permission_error', code: 'hub_gated', message: /gated or private and needs an access token.*JAN_HF_TOKEN/ });
    await server.close();

    server = await startHubServer(standin, { hfToken: 'hf_wrong_token_000000000' });
    const wrong = await pull(server, { model: 'hf.co/gated/Locked-GGUF:Q4_0' });
    const refused = await waitForPull(server, wrong.json.id, (p) => p.status === 'failed');
    expect(refused.error.message).toMatch(/token in JAN_HF_TOKEN has no access/);
    await server.close();

    const cdnBefore = standin.requests('cdn').length;
    server = await startHubServer(standin, { hfToken: standin.token });
    const started = await pull(server, { model: 'hf.co/gated/Locked-GGUF:Q4_0' });
    const done = await waitForPull(server, started.json.id, (p) => p.status === 'completed');
    expect(done.model_id).toBe('locked-Q4_0');
    // The hub got the token; the CDN (another origin) never did.
    expect(standin.requests('hub', '/gated/Locked-GGUF/resolve/').at(-1)!.headers.authorization).toBe(`Bearer ${standin.token}`);
    expect(standin.requests('cdn').slice(cdnBefore).every((r) => r.headers.authorization === undefined)).toBe(true);
    const answers = [
      (await server.request('/v1/models/pulls', { token })).text,
      (await server.request(`/v1/models/pulls/${started.json.id}`, { token })).text,
      (await server.request('/v1/hub/models/gated/Locked-GGUF', { token })).text,
    ];
    for (const text of [...answers, server.logText()]) expect(text).not.toContain(standin.token);
    expect(server.logText()).toContain('model pull completed');
  });

  it('pauses and resumes (from where it stopped), and cancel removes the partial file', async () => {
    server = await startHubServer(standin);
    const half = Math.floor(bigger.length / 2);
    const held = standin.holdAt('random-F16.gguf', half);
    const started = await pull(server, { model: 'hf.co/acme/Random-GGUF:F16' });
    await held.reached;
    await waitForPull(server, started.json.id, (p) => p.bytes_done === half);
    const paused = await server.request(`/v1/models/pulls/${started.json.id}/pause`, { method: 'POST', token });
    expect(paused.status).toBe(200);
    expect(paused.json).toMatchObject({ status: 'paused', bytes_done: half, rate_bytes_per_second: 0, eta_seconds: null });
    expect(await readdir(server.modelsDir)).toEqual(['random-F16.gguf.part']);
    const before = standin.requests('cdn', 'random-F16').length;
    const resumed = await server.request(`/v1/models/pulls/${started.json.id}/resume`, { method: 'POST', token });
    expect(resumed.json.status).toMatch(/^(queued|downloading|verifying|completed)$/);
    await waitForPull(server, started.json.id, (p) => p.status === 'completed');
    expect(standin.requests('cdn', 'random-F16').slice(before).map((r) => r.headers.range)).toEqual([`bytes=${half}-`]);
    expect((await readFile(join(server.modelsDir, 'random-F16.gguf'))).equals(bigger)).toBe(true);
    expectError(await server.request(`/v1/models/pulls/${started.json.id}/pause`, { method: 'POST', token }), 409, { type: 'conflict_error', code: 'pull_state' });

    // Cancel: a second model, held half-way.
    const held2 = standin.holdAt('split-Q4_K_M-00002-of-00002.gguf', 50_000);
    const second = await pull(server, { model: 'hf.co/acme/Split-GGUF:Q4_K_M' });
    await held2.reached;
    const cancelled = await server.request(`/v1/models/pulls/${second.json.id}`, { method: 'DELETE', token });
    expect(cancelled.status).toBe(200);
    expect(cancelled.json).toMatchObject({ id: second.json.id, status: 'cancelled' });
    expect((await readdir(server.modelsDir)).sort()).toEqual(['random-F16.gguf']);
    expect(await modelIds(server)).not.toContain('split-Q4_K_M-00001-of-00002');
  });

  it('the same model asked for several times at once is one pull; pause and resume sent together leave it in one state', async () => {
    server = await startHubServer(standin);
    const held = standin.holdAt('random-F16.gguf', 100_000);
    const s = server;
    const answers = await Promise.all([1, 2, 3].map(() => pull(s, { model: 'hf.co/acme/Random-GGUF:F16' })));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
    const id = answers[0]!.json.id as string;
    expect(answers.map((a) => a.json.id)).toEqual([id, id, id]);
    expect((await s.request('/v1/models/pulls', { token })).json.data.map((p: { id: string }) => p.id)).toEqual([id]);
    await held.reached;
    // Decisions run one at a time: whatever the order, the pull ends paused or running, never both at once.
    const [paused, resumed] = await Promise.all([
      s.request(`/v1/models/pulls/${id}/pause`, { method: 'POST', token }),
      s.request(`/v1/models/pulls/${id}/resume`, { method: 'POST', token }),
    ]);
    expect([paused.status, resumed.status]).toEqual([200, 200]);
    const settled = (await s.request(`/v1/models/pulls/${id}`, { token })).json;
    if (settled.status === 'paused') await s.request(`/v1/models/pulls/${id}/resume`, { method: 'POST', token });
    held.release();
    const done = await waitForPull(s, id, (p) => p.status === 'completed');
    expect(done.bytes_done).toBe(bigger.length);
    expect((await readFile(join(s.modelsDir, 'random-F16.gguf'))).equals(bigger)).toBe(true);
  });

  it("Ollama's /api/pull pulls an hf.co name with Ollama's progress lines, and /api/tags lists it", async () => {
    server = await startHubServer(standin);
    const response = await fetch(`${server.url}/api/pull`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'hf.co/acme/Designed-GGUF:Q8_0' }),
    });
    expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const lines = (await response.text()).trim().split('\n').map((line) => JSON.parse(line) as { status: string; digest?: string; total?: number; completed?: number });
    expect(lines[0]).toEqual({ status: 'pulling manifest' });
    expect(lines.slice(-2)).toEqual([{ status: 'writing manifest' }, { status: 'success' }]);
    const progress = lines.filter((l) => l.digest !== undefined);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[0]).toEqual({ status: `pulling ${sha(designed).slice(0, 12)}`, digest: `sha256:${sha(designed)}`, total: designed.length, completed: expect.any(Number) });
    expect(lines.map((l) => l.status)).toContain('verifying sha256 digest');
    const tags = await server.request('/api/tags', { token });
    expect(tags.json.models.map((m: { name: string }) => m.name)).toContain('designed-Q8_0:latest');
    const quiet = await server.request('/api/pull', { method: 'POST', token, body: { model: 'hf.co/acme/Split-GGUF:Q4_K_M', stream: false } });
    expect({ status: quiet.status, body: quiet.json }).toEqual({ status: 200, body: { status: 'success' } });
    const bad = await server.request('/api/pull', { method: 'POST', token, body: { model: 'llama3.2' } });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/hf\.co\/\{owner\}\/\{repo\}:\{quantization\}/);
  });

  it('refuses bad input: 400 for a bad reference, 404 for an unknown quantization or pull, 403 for a non-admin', async () => {
    server = await startHubServer(standin);
    expectError(await pull(server, { model: 'llama3' }), 400, { type: 'invalid_request_error', code: 'invalid_model_ref', param: 'model', message: /hf\.co\/\{owner\}\/\{repo\}:\{quantization\}/ });
    expectError(await pull(server, { model: 'hf.co/acme/Designed-GGUF:Q8_0', repo: 'acme/Designed-GGUF' }), 400, { type: 'invalid_request_error', code: 'invalid_value', param: 'model' });
    expectError(await pull(server, { repo: 'acme/Designed-GGUF', file: '../etc/passwd.gguf' }), 400, { type: 'invalid_request_error', code: 'invalid_model_ref', param: 'file' });
    expectError(await pull(server, {}), 400, { type: 'invalid_request_error', code: 'invalid_value', param: 'model' });
    expectError(await pull(server, { model: 'hf.co/acme/Designed-GGUF:Q2_K' }), 404, { type: 'not_found_error', code: 'quantization_not_found', param: 'model', message: /has no Q2_K; it has: Q8_0/ });
    expectError(await pull(server, { model: 'hf.co/nobody/Nothing-GGUF:Q4_K_M' }), 404, { type: 'not_found_error', code: 'hub_not_found', param: 'repo' });
    for (const [method, path] of [['GET', '/v1/models/pulls/pull_nope'], ['POST', '/v1/models/pulls/pull_nope/pause'], ['POST', '/v1/models/pulls/pull_nope/resume'], ['DELETE', '/v1/models/pulls/pull_nope']] as const) {
      expectError(await server.request(path, { method, token }), 404, { type: 'not_found_error', code: 'pull_not_found', param: 'id' });
    }
    const guest = await (await fetch(`${server.url}/auth/guest-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json() as { access_token: string };
    expectError(await server.request('/v1/models/pull', { method: 'POST', token: guest.access_token, body: { model: 'hf.co/acme/Designed-GGUF:Q8_0' } }), 403, { type: 'permission_error', code: 'forbidden' });
    expect((await server.request('/v1/models/pulls', { token: guest.access_token })).status).toBe(403);
    expect((await server.request('/v1/hub/models', { token: guest.access_token })).status).toBe(200);
  });
});
