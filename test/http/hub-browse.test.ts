/**
 * The hub's read side against the local Hub stand-in: search with cursors, the recommended list (live and
 * offline), one repository's quantizations (split files grouped, SHA-256 from LFS, fit verdicts computed
 * from the GGUF header read remotely), and the errors: bad input, hub off, hub unreachable or silent.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPUTE_OVERHEAD_BYTES, kvCacheBytes } from '../../server/hub/index.js';
import { expectError } from '../support/error-envelope.js';
import { DESIGNED_HYPERPARAMS, writeDesignedModel } from '../support/gguf/designed-model.js';
import { HubStandin, startHubServer, type HubTestServer } from '../support/hf-hub-standin.js';
import { TEST_ADMIN_KEY } from '../support/test-server.js';

const token = TEST_ADMIN_KEY;
const GiB = 1024 ** 3;

let standin: HubStandin;
let server: HubTestServer;
let model: Buffer;
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'jan-hub-files-'));
  writeDesignedModel(join(scratch, 'designed.gguf'));
  model = await readFile(join(scratch, 'designed.gguf'));
  standin = new HubStandin();
  // 25 GGUF repositories for pagination, one without GGUF files, and the split-file repository.
  for (let i = 0; i < 25; i++) {
    standin.addRepo({ id: `org${i % 3}/tiny-${String(i).padStart(2, '0')}-GGUF`, downloads: 1000 - i, likes: i, lastModified: `2025-01-${String(i + 1).padStart(2, '0')}T00:00:00.000Z`, license: 'mit', files: [{ path: 'tiny-Q4_K_M.gguf', bytes: model }] });
  }
  standin.addRepo({ id: 'org0/safetensors-only', downloads: 5000, files: [{ path: 'model.safetensors', bytes: Buffer.from('x') }] });
  standin.addRepo({
    id: 'acme/Split-GGUF', downloads: 7, likes: 3, license: 'apache-2.0',
    files: [
      { path: 'README.md', bytes: Buffer.from('# card') },
      { path: 'split-Q2_K.gguf', bytes: model },
      { path: 'Q8_0/split-Q8_0-00001-of-00002.gguf', bytes: model },
      { path: 'Q8_0/split-Q8_0-00002-of-00002.gguf', bytes: randomBytes(300_000) },
      { path: 'mmproj-F16.gguf', bytes: randomBytes(1000) },
    ],
  });
  standin.addRepo({ id: 'Qwen/Qwen2.5-0.5B-Instruct-GGUF', downloads: 99, likes: 9, license: 'apache-2.0', files: [{ path: 'qwen2.5-0.5b-instruct-q4_k_m.gguf', bytes: model }] });
  await standin.start();
  server = await startHubServer(standin, { contextSize: 1024, parallel: 2 });
});

afterAll(async () => {
  await server?.close();
  await standin?.close();
  await rm(scratch, { recursive: true, force: true });
});

describe('GET /v1/hub/models', () => {
  it('lists GGUF repositories with their figures, sorted, and follows the cursor to the end', async () => {
    const first = await server.request('/v1/hub/models?limit=10', { token });
    expect(first.status).toBe(200);
    expect(first.json.object).toBe('list');
    expect(first.json.data).toHaveLength(10);
    expect(first.json.data[0]).toEqual({
      id: expect.stringMatching(/^[^/]+\/[^/]+$/), author: expect.any(String), downloads: expect.any(Number), likes: expect.any(Number),
      updated_at: expect.any(Number), tags: expect.any(Array), license: expect.toSatisfy((l: unknown) => l === null || typeof l === 'string'),
      gated: false, recommended: expect.any(Boolean),
    });
    const downloads = first.json.data.map((r: { downloads: number }) => r.downloads);
    expect(downloads).toEqual([...downloads].sort((a, b) => b - a));
    expect(first.json.data.map((r: { id: string }) => r.id)).not.toContain('org0/safetensors-only');
    // The stand-in was asked with the gguf filter, descending, and the fields we read.
    const asked = new URL(standin.requests('hub', '/api/models?').at(-1)!.url, standin.hubUrl).searchParams;
    expect({ filter: asked.get('filter'), sort: asked.get('sort'), direction: asked.get('direction'), limit: asked.get('limit') }).toEqual({ filter: 'gguf', sort: 'downloads', direction: '-1', limit: '10' });
    expect(asked.getAll('expand[]')).toEqual(expect.arrayContaining(['author', 'downloads', 'likes', 'lastModified', 'tags', 'gated']));

    const seen: string[] = first.json.data.map((r: { id: string }) => r.id);
    let cursor: string | null = first.json.next_cursor;
    expect(cursor).toEqual(expect.any(String));
    while (cursor) {
      const page = await server.request(`/v1/hub/models?cursor=${encodeURIComponent(cursor)}`, { token });
      expect(page.status).toBe(200);
      seen.push(...page.json.data.map((r: { id: string }) => r.id));
      cursor = page.json.next_cursor;
    }
    expect(seen).toHaveLength(27); // 25 tiny, the split one, Qwen
    expect(new Set(seen).size).toBe(27);
  });

  it('searches, sorts by likes or updated, and reads license, author and updated_at from the hub', async () => {
    const found = await server.request('/v1/hub/models?search=tiny-0&sort=likes', { token });
    expect(found.json.data.map((r: { id: string }) => r.id)).toEqual(['org0/tiny-09-GGUF', 'org2/tiny-08-GGUF', 'org1/tiny-07-GGUF', 'org0/tiny-06-GGUF', 'org2/tiny-05-GGUF', 'org1/tiny-04-GGUF', 'org0/tiny-03-GGUF', 'org2/tiny-02-GGUF', 'org1/tiny-01-GGUF', 'org0/tiny-00-GGUF']);
    expect(found.json.next_cursor).toBeNull();
    expect(found.json.data[0]).toMatchObject({ author: 'org0', likes: 9, license: 'mit', updated_at: Date.parse('2025-01-10T00:00:00Z') / 1000 });
    const updated = await server.request('/v1/hub/models?sort=updated&limit=1&search=tiny', { token });
    expect(updated.json.data[0].id).toBe('org0/tiny-24-GGUF');
    const qwen = await server.request('/v1/hub/models?search=qwen', { token });
    expect(qwen.json.data).toEqual([expect.objectContaining({ id: 'Qwen/Qwen2.5-0.5B-Instruct-GGUF', recommended: true })]);
  });

  it('refuses bad input with 400', async () => {
    expectError(await server.request('/v1/hub/models?sort=stars', { token }), 400, { type: 'invalid_request_error', code: expect.any(String) as unknown as string, param: 'sort' });
    expectError(await server.request('/v1/hub/models?limit=0', { token }), 400, { type: 'invalid_request_error', code: expect.any(String) as unknown as string, param: 'limit' });
    expectError(await server.request('/v1/hub/models?cursor=not*ours', { token }), 400, { type: 'invalid_request_error', code: 'invalid_cursor', param: 'cursor' });
    expect((await server.request('/v1/hub/models')).status).toBe(401);
  });
});

describe('GET /v1/hub/recommended', () => {
  it('answers the shipped list, with live figures for the repositories the hub knows', async () => {
    const response = await server.request('/v1/hub/recommended', { token });
    expect(response.status).toBe(200);
    expect(response.json.data.length).toBeGreaterThanOrEqual(10);
    const kinds = new Set(response.json.data.map((r: { kind: string }) => r.kind));
    expect(kinds).toEqual(new Set(['instruct', 'coder', 'embedding']));
    for (const repo of response.json.data) {
      expect(repo).toEqual({
        id: expect.stringMatching(/^[^/]+\/[^/]+$/), author: repo.id.split('/')[0], downloads: expect.any(Number), likes: expect.any(Number),
        updated_at: expect.any(Number), tags: expect.any(Array), license: expect.any(String), gated: false, recommended: true,
        kind: expect.stringMatching(/^(instruct|coder|embedding)$/), note: expect.any(String),
      });
    }
    expect(response.json.data.find((r: { id: string }) => r.id === 'Qwen/Qwen2.5-0.5B-Instruct-GGUF')).toMatchObject({ downloads: 99, likes: 9 });
    expect(response.json.data.find((r: { id: string }) => r.id === 'nomic-ai/nomic-embed-text-v1.5-GGUF')).toMatchObject({ kind: 'embedding', downloads: 0 });
  });
});

describe('GET /v1/hub/models/{owner}/{repo}', () => {
  it('groups split files, gives LFS SHA-256s, reads the header remotely and judges the fit', async () => {
    const machine = server.services.hub.machine;
    const kv = kvCacheBytes({ architecture: 'llama', block_count: 2, head_count: 4, head_count_kv: 2, embedding_length: 64, context_length: 4096 }, 1024, 2);
    const q2 = model.length + kv + COMPUTE_OVERHEAD_BYTES;
    const q8 = model.length + 300_000 + kv + COMPUTE_OVERHEAD_BYTES;
    // Free RAM chosen so that Q2_K fits comfortably (≤ 70 %) and Q8_0 only tightly.
    const freeRam = Math.ceil(q2 / 0.7) + 1;
    expect(q8).toBeGreaterThan(0.7 * freeRam);
    machine.freeRamBytes = () => freeRam;
    machine.freeDiskBytes = async () => 10 * GiB;
    const response = await server.request('/v1/hub/models/acme/Split-GGUF', { token });
    expect(response.status).toBe(200);
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    const split2 = standin.repos.get('acme/Split-GGUF')!.files[3]!.bytes;
    expect(response.json).toEqual({
      id: 'acme/Split-GGUF', author: 'acme', downloads: 7, likes: 3, updated_at: expect.any(Number), tags: expect.any(Array), license: 'apache-2.0', gated: false,
      metadata: { architecture: 'llama', block_count: DESIGNED_HYPERPARAMS.nLayer, head_count: DESIGNED_HYPERPARAMS.nHead, head_count_kv: DESIGNED_HYPERPARAMS.nHeadKv, embedding_length: DESIGNED_HYPERPARAMS.nEmbd, context_length: DESIGNED_HYPERPARAMS.contextLength },
      quantizations: [
        {
          quantization: 'Q2_K', files: [{ name: 'split-Q2_K.gguf', size_bytes: model.length, sha256: sha(model) }], size_bytes: model.length,
          fit: { ram_needed_bytes: q2, free_ram_bytes: freeRam, free_disk_bytes: 10 * GiB, verdict: 'fits', gpu_layers: null }, recommended: true,
        },
        {
          quantization: 'Q8_0',
          files: [
            { name: 'Q8_0/split-Q8_0-00001-of-00002.gguf', size_bytes: model.length, sha256: sha(model) },
            { name: 'Q8_0/split-Q8_0-00002-of-00002.gguf', size_bytes: 300_000, sha256: sha(split2) },
          ],
          size_bytes: model.length + 300_000,
          fit: { ram_needed_bytes: q8, free_ram_bytes: freeRam, free_disk_bytes: 10 * GiB, verdict: 'tight', gpu_layers: null }, recommended: false,
        },
      ],
      free_ram_bytes: freeRam,
      free_disk_bytes: 10 * GiB,
    });
    // The header came from the CDN, through the hub's redirect, without downloading the weights' rest.
    expect(standin.requests('cdn', 'split-Q2_K').length).toBeGreaterThan(0);

    machine.freeRamBytes = () => q2 - 1;
    const small = await server.request('/v1/hub/models/acme/Split-GGUF', { token });
    expect(small.json.quantizations.map((q: { fit: { verdict: string }; recommended: boolean }) => [q.fit.verdict, q.recommended])).toEqual([['wont_fit', false], ['wont_fit', false]]);
    machine.freeRamBytes = () => 100 * GiB;
    machine.freeDiskBytes = async () => model.length + 1000;
    const noDisk = await server.request('/v1/hub/models/acme/Split-GGUF', { token });
    expect(noDisk.json.quantizations.map((q: { fit: { verdict: string } }) => q.fit.verdict)).toEqual(['fits', 'wont_fit']);
  });

  it('answers 404 for a repository the hub does not have and 400 for a bad name', async () => {
    expectError(await server.request('/v1/hub/models/nobody/nothing', { token }), 404, { type: 'not_found_error', code: 'hub_not_found', param: 'repo', message: /nobody\/nothing/ });
    expect((await server.request('/v1/hub/models/bad%20owner/x', { token })).status).toBe(400);
  });
});

describe('the hub switched off, unreachable or silent', () => {
  it('JAN_HUB=off: every hub route says so with 403', async () => {
    const off = await startHubServer(standin, { hub: false });
    try {
      for (const path of ['/v1/hub/models', '/v1/hub/recommended', '/v1/hub/models/acme/Split-GGUF']) {
        expectError(await off.request(path, { token }), 403, { type: 'permission_error', code: 'hub_disabled', message: /JAN_HUB=off.*POST \/v1\/models\/import/ });
      }
      expectError(await off.request('/v1/models/pull', { method: 'POST', token, body: { model: 'hf.co/acme/Split-GGUF:Q2_K' } }), 403, { type: 'permission_error', code: 'hub_disabled' });
    } finally {
      await off.close();
    }
  });

  it('a hub nobody listens at is a clear 502 at once; the recommended list still answers from the shipped file', async () => {
    const closed = createServer();
    const port = await new Promise<number>((resolve) => closed.listen(0, '127.0.0.1', () => resolve((closed.address() as AddressInfo).port)));
    await new Promise((resolve) => closed.close(resolve));
    const offline = await startHubServer(standin, { hfEndpoint: `http://127.0.0.1:${port}` });
    try {
      expectError(await offline.request('/v1/hub/models?search=x', { token }), 502, { type: 'server_error', code: 'hub_unreachable', message: /cannot be reached.*Local import still works: POST \/v1\/models\/import/ });
      expectError(await offline.request('/v1/models/pull', { method: 'POST', token, body: { model: 'hf.co/acme/Split-GGUF:Q2_K' } }), 502, { type: 'server_error', code: 'hub_unreachable' });
      const recommended = await offline.request('/v1/hub/recommended', { token });
      expect(recommended.status).toBe(200);
      expect(recommended.json.data[0]).toMatchObject({ downloads: 0, likes: 0, updated_at: 0, recommended: true });
    } finally {
      await offline.close();
    }
  });

  it('a hub that accepts but never answers fails after the stall timeout, not never', async () => {
    const silent: Server = createServer(() => undefined); // never responds
    const port = await new Promise<number>((resolve) => silent.listen(0, '127.0.0.1', () => resolve((silent.address() as AddressInfo).port)));
    const stalled = await startHubServer(standin, { hfEndpoint: `http://127.0.0.1:${port}`, hubTimeoutMs: 300 });
    try {
      expectError(await stalled.request('/v1/hub/models', { token }), 502, { type: 'server_error', code: 'hub_unreachable', message: /no answer in time/ });
    } finally {
      await stalled.close();
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('a hub on a private address is refused unless JAN_HUB_ALLOW names it', async () => {
    const strict = await startHubServer(standin, { hubAllow: [] });
    try {
      expectError(await strict.request('/v1/hub/models', { token }), 502, { type: 'server_error', code: 'hub_unreachable', message: /not public; allow it with JAN_HUB_ALLOW/ });
      expect(standin.log.length).toBeGreaterThan(0);
    } finally {
      await strict.close();
    }
  });
});
