/**
 * responses and modelPulls on both engines, same scenarios: a stored response is its owner's only and is
 * deleted once; model pulls update in place, list newest first (ties by id, bytewise) and prune finished
 * ones beyond the newest `keep`, never one still running.
 */
import { beforeEach, expect, it } from 'vitest';
import type { ModelPullRow } from '../../server/store/model-pulls-repo.js';
import type { Store } from '../../server/store/store.js';
import { describeBothEngines } from './both-engines.js';


const pull = (id: string, status: string, createdAt: number, updatedAt = createdAt): ModelPullRow => ({
  id, model: `m-${id}`, repo: 'org/repo', quantization: 'Q4_K_M', files: '[{"path":"a.gguf","size":5000000000}]', status,
  bytes_total: 5_000_000_000, bytes_done: 0, error: null, model_id: null, created_at: createdAt, updated_at: updatedAt,
});

describeBothEngines('responses and model pulls', ({ openAnother }) => {
  let store: Store;
  beforeEach(async () => {
    // A store of its own per test: counts, orders and ids start from nothing.
    store = await openAnother();
    for (const id of ['u1', 'u2']) await store.users.insert({ id, name: id, role: 'member', created_at: 0 });
  });

  it("keeps a response for its owner only, and deletes it once", async () => {
    const row = { id: 'resp_1', user_id: 'u1', previous_response_id: null, body: '{"id":"resp_1","output":["ü"]}', input_items: '[]', created_at: 5 };
    await store.responses.insert(row);
    await store.responses.insert({ ...row, id: 'resp_2', previous_response_id: 'resp_1', created_at: 6 });
    const got = await store.responses.get('u1', 'resp_1');
    expect(got).toEqual({ seq: expect.any(Number), ...row });
    expect((await store.responses.get('u1', 'resp_2'))!.seq).toBeGreaterThan(got!.seq);
    expect((await store.responses.get('u1', 'resp_2'))!.previous_response_id).toBe('resp_1');
    expect(await store.responses.get('u2', 'resp_1')).toBeUndefined();
    await expect(store.responses.insert(row)).rejects.toThrow(); // ids are unique
    expect(await store.responses.delete('u2', 'resp_1')).toBe(false);
    expect(await store.responses.delete('u1', 'resp_1')).toBe(true);
    expect(await store.responses.delete('u1', 'resp_1')).toBe(false);
    expect(await store.responses.get('u1', 'resp_1')).toBeUndefined();
  });

  it('updates pulls in place and lists them newest first', async () => {
    await store.modelPulls.insert(pull('pull_b', 'downloading', 10));
    await store.modelPulls.insert(pull('pull_B', 'queued', 10));
    await store.modelPulls.insert(pull('pull_a', 'queued', 5));
    expect(await store.modelPulls.get('pull_b')).toEqual(pull('pull_b', 'downloading', 10));
    expect(await store.modelPulls.get('pull_zz')).toBeUndefined();
    await store.modelPulls.update('pull_b', { status: 'completed', bytes_done: 5_000_000_000, error: null, model_id: 'org/repo:Q4_K_M', updated_at: 20 });
    expect(await store.modelPulls.get('pull_b')).toEqual({
      ...pull('pull_b', 'completed', 10, 20), bytes_done: 5_000_000_000, model_id: 'org/repo:Q4_K_M',
    });
    await store.modelPulls.update('pull_a', { status: 'failed', bytes_done: 7, error: 'disk full', model_id: null, updated_at: 21 });
    expect((await store.modelPulls.list()).map((row) => [row.id, row.status])).toEqual([
      ['pull_b', 'completed'], ['pull_B', 'queued'], ['pull_a', 'failed'],
    ]);
  });

  it('prunes finished pulls older than the cut-off beyond the newest kept', async () => {
    await store.modelPulls.insert(pull('p1', 'completed', 1, 10));
    await store.modelPulls.insert(pull('p2', 'failed', 2, 20));
    await store.modelPulls.insert(pull('p3', 'cancelled', 3, 30));
    await store.modelPulls.insert(pull('p4', 'completed', 4, 40));
    await store.modelPulls.insert(pull('p0', 'downloading', 0, 0));
    await store.modelPulls.prune(35, 2); // keeps p4, p3 (newest finished); p1, p2 are older than 35
    expect((await store.modelPulls.list()).map((row) => row.id)).toEqual(['p4', 'p3', 'p0']);
    await store.modelPulls.prune(35, 0); // p3 is older than the cut-off now that none is kept; p4 is not
    expect((await store.modelPulls.list()).map((row) => row.id)).toEqual(['p4', 'p0']);
  });
});
