/**
 * The cluster test (`npm run test:cluster`): three replicas of the server behind haproxy (health checks on
 * /readyz every second, down after 3 failures), sharing PostgreSQL and Redis, all real processes on loopback.
 * What a team running it on its own infrastructure relies on: SDK clients work through the balancer, a write on
 * one replica is read fresh on another, a per-client rate limit holds cluster-wide, a crashed replica costs only
 * the requests in flight on it and leaves the rotation within the check interval, and a rolling restart loses
 * nothing.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guestTokens, missingConversations, startWriteLoad } from './cluster-load.js';
import { CLUSTER_ADMIN_KEY, startLocalCluster, type LocalCluster } from './local-cluster.js';

const CHECK_INTERVAL_MS = 1000;
/** Per client, per second: above what one load loop sends (one request each 250 ms), far below a burst of 600. */
const RATE_LIMIT = 5;
const LOOP_PAUSE_MS = 250;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One request; a 429 is waited out (Retry-After) and sent again unless `rateLimited` is 'keep'. */
async function call(
  url: string, path: string, token: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}, rateLimited: 'retry' | 'keep' = 'retry',
) {
  for (;;) {
    const response = await fetch(url + path, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${token}`, ...(init.body !== undefined && { 'content-type': 'application/json' }), ...init.headers },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await response.text();
    if (response.status === 429 && rateLimited === 'retry') {
      await sleep(Number(response.headers.get('retry-after') ?? 1) * 1000);
      continue;
    }
    return { status: response.status, headers: response.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  }
}

describe('a cluster of three replicas behind haproxy, sharing PostgreSQL and Redis', () => {
  let cluster: LocalCluster;

  beforeAll(async () => {
    cluster = await startLocalCluster({
      replicas: 3,
      // Two GPU boxes, as far as the replicas know (stateless API replicas): instances of this server with the test model.
      engines: 2,
      checkIntervalMs: CHECK_INTERVAL_MS,
      env: {
        JAN_CLIENT_RATE_LIMIT: String(RATE_LIMIT),
        // Keep serving (readyz 503) for longer than haproxy needs to see it (3 checks), then drain.
        JAN_DRAIN_DELAY_MS: String(CHECK_INTERVAL_MS * 5),
        JAN_SHUTDOWN_TIMEOUT_MS: '10000',
      },
    });
  }, 180_000);
  afterAll(async () => cluster?.stop(), 60_000);

  it('the OpenAI SDK works through the balancer', async () => {
    const client = new OpenAI({ apiKey: CLUSTER_ADMIN_KEY, baseURL: `${cluster.url}/v1`, maxRetries: 5, timeout: 10_000 }); // retries a 429 after its Retry-After
    const created = await client.conversations.create({ metadata: { via: 'haproxy' }, items: [{ type: 'message', role: 'user', content: 'hi' }] });
    // Round robin: the next calls land on other replicas, which read what the first one wrote.
    for (let i = 0; i < 3; i++) expect(await client.conversations.retrieve(created.id)).toEqual(created);
    const items = await client.conversations.items.list(created.id);
    expect(items.data).toHaveLength(1);
    expect((await client.models.list()).object).toBe('list');
  });

  it('a write on one replica is read fresh on another: no stale cache, ETags follow the change', async () => {
    const [token] = await guestTokens(cluster.url, 1);
    const [one, two] = cluster.replicas;
    const created = await call(one!.url, '/v1/conversations', token!, { method: 'POST', body: { metadata: { title: 'first' } } });
    expect(created.status).toBe(200);
    const id = created.json!.id as string;
    const before = await call(two!.url, `/v1/conversations/${id}`, token!);
    expect(before.status).toBe(200);
    const etag = before.headers.get('etag');
    expect(etag).toBeTruthy();
    expect((await call(two!.url, `/v1/conversations/${id}`, token!, { headers: { 'if-none-match': etag! } })).status).toBe(304);

    expect((await call(one!.url, `/v1/conversations/${id}`, token!, { method: 'POST', body: { metadata: { title: 'second' } } })).status).toBe(200);
    const after = await call(two!.url, `/v1/conversations/${id}`, token!, { headers: { 'if-none-match': etag! } });
    expect(after.status).toBe(200);
    expect(after.json!.metadata).toEqual({ title: 'second' });
    expect(after.headers.get('etag')).not.toBe(etag);
  });

  it('a resumable upload begun on one replica is finished through another, and read on a third (shared media folder)', async () => {
    const [token] = await guestTokens(cluster.url, 1);
    const [one, two, three] = cluster.replicas;
    const data = Buffer.from('shared media folder '.repeat(20_000));
    const tus = { authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0' };
    const created = await fetch(`${one!.url}/v1/media/uploads`, {
      method: 'POST',
      headers: { ...tus, 'upload-length': String(data.length), 'upload-metadata': `filename ${Buffer.from('notes.txt').toString('base64')}` },
    });
    expect(created.status).toBe(201);
    const path = new URL(created.headers.get('location')!, one!.url).pathname;
    const half = Math.floor(data.length / 2);
    const patch = (url: string, offset: number, bytes: Buffer) => fetch(url + path, {
      method: 'PATCH', headers: { ...tus, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }, body: bytes,
    });
    expect((await patch(one!.url, 0, data.subarray(0, half))).status).toBe(204);
    const head = await fetch(two!.url + path, { method: 'HEAD', headers: tus });
    expect(head.headers.get('upload-offset')).toBe(String(half));
    const finished = await patch(two!.url, half, data.subarray(half));
    expect(finished.status).toBe(204);
    const fileId = finished.headers.get('media-file-id');
    expect(fileId).toMatch(/^jan_/);
    const content = await fetch(`${three!.url}/v1/media/files/${fileId}/content`, { headers: { authorization: `Bearer ${token}` } });
    expect(content.status).toBe(200);
    expect(Buffer.from(await content.arrayBuffer()).equals(data)).toBe(true);
  });

  it('a per-client rate limit holds across the cluster, not once per replica', async () => {
    const [token] = await guestTokens(cluster.url, 1);
    const started = Date.now();
    const statuses: number[] = [];
    // 30 at a time, 600 in all: far more than the allowance of all three replicas together.
    for (let batch = 0; batch < 20; batch++) {
      const answers = await Promise.all(Array.from({ length: 30 }, () => call(cluster.url, '/v1/conversations?limit=1', token!, {}, 'keep')));
      statuses.push(...answers.map((a) => a.status));
    }
    const seconds = (Date.now() - started) / 1000;
    const served = statuses.filter((s) => s === 200).length;
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
    expect(statuses).toContain(429);
    // One bucket: the rate for the time taken plus one burst (the limit itself), with a little slack for refill
    // between the clock reads. Three unshared buckets would allow three times the rate.
    console.log(`rate limit ${RATE_LIMIT}/s per client, 3 replicas: ${served} of ${statuses.length} served in ${seconds.toFixed(1)} s (${(served / seconds).toFixed(1)}/s)`);
    expect(served).toBeLessThanOrEqual(Math.ceil(RATE_LIMIT * (seconds + 1) * 1.1));
  }, 120_000);

  it('kill -9 of one replica under load: only its in-flight requests fail, haproxy drops it within its checks, every acknowledged write is there, and it rejoins', async () => {
    const tokens = await guestTokens(cluster.url, 6);
    const load = startWriteLoad(cluster.url, tokens, LOOP_PAUSE_MS);
    await sleep(1500);
    const killedAt = Date.now();
    await cluster.kill(1);
    const downAfterMs = await cluster.waitForState(1, 'DOWN');
    await sleep(1000);
    const result = await load.stop();

    console.log(`kill -9: haproxy marked it DOWN after ${downAfterMs} ms; ${result.requests} requests, ${result.acknowledged.length} acknowledged, ${result.failures.length} failed: ${JSON.stringify(result.failures.map((f) => f.reason))}`);
    expect(result.acknowledged.length).toBeGreaterThan(20);
    // A request the killed replica held when it died can fail (haproxy retries only what never reached a server);
    // there is at most one per load loop, and none after haproxy took it out.
    expect(result.failures.length).toBeLessThanOrEqual(tokens.length);
    for (const failure of result.failures) expect(failure.at).toBeLessThanOrEqual(killedAt + downAfterMs + 1000);
    // The guide: failover under 30 s. Here: three failed checks.
    expect(downAfterMs).toBeLessThan(30_000);
    expect(await missingConversations(cluster.url, result.acknowledged)).toEqual([]);

    await cluster.start(1);
    await cluster.waitForState(1, 'UP');
    expect((await call(cluster.replicas[1]!.url, '/readyz', tokens[0]!)).status).toBe(200);
  }, 120_000);

  it('a rolling restart of all three replicas under load loses no request', async () => {
    const tokens = await guestTokens(cluster.url, 6);
    const load = startWriteLoad(cluster.url, tokens, LOOP_PAUSE_MS);
    await sleep(1000);
    for (let index = 0; index < cluster.replicas.length; index++) {
      expect(await cluster.terminate(index)).toBe(0); // drained and exited cleanly
      await cluster.start(index);
      await cluster.waitForState(index, 'UP');
    }
    await sleep(500);
    const result = await load.stop();
    console.log(`rolling restart: ${result.requests} requests, ${result.acknowledged.length} acknowledged, ${result.failures.length} failed`);
    expect(result.failures).toEqual([]);
    expect(result.acknowledged.length).toBeGreaterThan(20);
    expect(await missingConversations(cluster.url, result.acknowledged)).toEqual([]);
  }, 180_000);

  it('an engine killed and back: its model fails over to the other engine or gets 503 + Retry-After, never hangs', async () => {
    const chat = () => call(cluster.url, '/v1/chat/completions', CLUSTER_ADMIN_KEY, {
      method: 'POST', body: { model: 'designed', messages: [{ role: 'user', content: 'hi' }], max_tokens: 8 },
    });
    // Both engines serve it (each loads the model on its first request).
    const served = new Set<string>();
    for (let i = 0; i < 8 && served.size < 2; i++) {
      const answer = await chat();
      expect(answer.status).toBe(200);
      served.add(answer.headers.get('x-jan-engine') ?? '');
    }
    expect([...served].sort()).toEqual(['engine1', 'engine2']);

    const { engines } = cluster;
    await engines[0]!.kill();
    const during: Array<{ status: number; engine: string | null; retryAfter: string | null }> = [];
    for (let i = 0; i < 6; i++) {
      const answer = await chat(); // a hang would fail the test on its timeout
      during.push({ status: answer.status, engine: answer.headers.get('x-jan-engine'), retryAfter: answer.headers.get('retry-after') });
    }
    console.log(`engine1 killed: ${JSON.stringify(during)}`);
    for (const answer of during) {
      if (answer.status === 200) expect(answer.engine).toBe('engine2');
      else {
        expect([502, 503]).toContain(answer.status);
        expect(answer.retryAfter).toBeTruthy();
      }
    }
    expect(during.filter((a) => a.status === 200).length).toBeGreaterThan(0);

    await engines[1]!.kill();
    const none = await chat();
    expect([502, 503]).toContain(none.status);
    expect(none.headers.get('retry-after')).toBeTruthy();

    await Promise.all(engines.map((e) => e.start()));
    const deadline = Date.now() + 60_000;
    let back = await chat();
    while (back.status !== 200 && Date.now() < deadline) {
      await sleep(500);
      back = await chat();
    }
    expect(back.status).toBe(200);
  }, 180_000);
});
