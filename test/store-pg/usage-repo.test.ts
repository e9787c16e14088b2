/**
 * usage and memberQuotas on both engines, same scenarios: hourly usage adds up (across calls, within one batch
 * and from concurrent flushes of the same keys), totals per member (labelled by name, a deleted member by id),
 * model and UTC day in the same order, storage snapshots as levels, a member's stored bytes counted in UTF-8
 * bytes, and quotas replaced whole.
 */
import { beforeEach, expect, it } from 'vitest';
import type { Store } from '../../server/store/store.js';
import type { UsageHourRow } from '../../server/store/usage-repo.js';
import { describeBothEngines } from './both-engines.js';

const HOUR = 3600;
const DAY = 86_400;
/** 2026-03-01T00:00:00Z */
const D0 = 1_772_323_200;

const usage = (hour_start: number, user_id: string, model: string, n: number, model_ms = 1.5): UsageHourRow => ({
  hour_start, user_id, model, requests: n, errors: n > 1 ? 1 : 0, prompt_tokens: 10 * n, completion_tokens: 100 * n, model_ms,
});
const totals = (key: string, label: string, requests: number, errors: number, model_ms: number) => ({
  key, label, requests, errors, prompt_tokens: 10 * requests, completion_tokens: 100 * requests, model_ms,
});

describeBothEngines('usage and quota repositories', ({ openAnother }) => {
  let store: Store;
  beforeEach(async () => {
    // A store of its own per test: counts, orders and ids start from nothing.
    store = await openAnother();
    await store.users.insert({ id: 'u_b', name: 'Bea', role: 'member', created_at: 0 });
    await store.users.insert({ id: 'u_a', name: 'anna', role: 'member', created_at: 0 });
    await store.users.insert({ id: 'u_z', name: 'Zed', role: 'member', created_at: 0 });
  });

  it('adds usage up, per member, model and day, in order', async () => {
    await store.usage.add([]);
    await store.usage.add([usage(D0, 'u_a', 'm2', 1), usage(D0, 'u_b', 'm1', 2), usage(D0 + HOUR, 'u_a', 'm1', 1, 0.25)]);
    // The same key again in a later flush and twice in one batch: summed.
    await store.usage.add([usage(D0, 'u_a', 'm2', 3, 2), usage(D0, 'u_a', 'm2', 1, 0.5)]);
    await store.usage.add([usage(D0 + DAY + 5 * HOUR, 'gone_user', 'm1', 4), usage(D0 + 2 * DAY, 'u_z', 'm1', 1)]);
    const to = D0 + 2 * DAY;
    expect(await store.usage.totals('user', D0, to)).toEqual([
      totals('u_b', 'Bea', 2, 1, 1.5),
      totals('u_a', 'anna', 6, 1, 4.25),
      totals('gone_user', 'gone_user', 4, 1, 1.5),
    ]);
    expect(await store.usage.totals('model', D0, to)).toEqual([totals('m1', 'm1', 7, 2, 3.25), totals('m2', 'm2', 5, 1, 4)]);
    expect(await store.usage.totals('day', D0, to + 1)).toEqual([
      totals('2026-03-01', '2026-03-01', 8, 2, 5.75),
      totals('2026-03-02', '2026-03-02', 4, 1, 1.5),
      totals('2026-03-03', '2026-03-03', 1, 0, 1.5),
    ]);
    expect(await store.usage.totals('user', to + DAY, to + 2 * DAY)).toEqual([]);
    expect(await store.usage.generatedSince('u_a', D0)).toBe(600);
    expect(await store.usage.generatedSince('u_a', D0 + HOUR)).toBe(100);
    expect(await store.usage.generatedSince('u_a', to)).toBe(0);
  });

  it('adds two batches of the same keys in opposite orders at once, both counted (no deadlock)', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => usage(D0 + (i % 4) * HOUR, `user_${i % 10}`, 'm1', 1));
    await Promise.all([store.usage.add(rows), store.usage.add([...rows].reverse()), store.usage.add(rows)]);
    expect(await store.usage.totals('model', D0, D0 + DAY)).toEqual([totals('m1', 'm1', 120, 0, 180)]);
  });

  it('keeps storage snapshots as levels: latest per member, last per day summed', async () => {
    await store.usage.snapshotStorage('u_a', D0, 100);
    await store.usage.snapshotStorage('u_a', D0 + HOUR, 150);
    await store.usage.snapshotStorage('u_a', D0 + HOUR, 170); // the same hour again: replaced
    await store.usage.snapshotStorage('u_b', D0 + 2 * HOUR, 5_000_000_000);
    await store.usage.snapshotStorage('u_a', D0 + DAY, 400);
    await store.usage.snapshotStorage('gone_user', D0 + DAY + HOUR, 7);
    expect(await store.usage.storageByUser(D0 + DAY)).toEqual([
      { key: 'u_a', label: 'anna', bytes: 170 },
      { key: 'u_b', label: 'Bea', bytes: 5_000_000_000 },
    ]);
    const later = await store.usage.storageByUser(D0 + 2 * DAY);
    expect([...later].sort((x, y) => x.key.localeCompare(y.key))).toEqual([
      { key: 'gone_user', label: 'gone_user', bytes: 7 },
      { key: 'u_a', label: 'anna', bytes: 400 },
      { key: 'u_b', label: 'Bea', bytes: 5_000_000_000 },
    ]);
    expect(await store.usage.storageByDay(D0, D0 + 2 * DAY)).toEqual([
      { key: '2026-03-01', bytes: 5_000_000_170 },
      { key: '2026-03-02', bytes: 407 },
    ]);
    expect(await store.usage.storageByDay(D0 + DAY, D0 + DAY + 1)).toEqual([{ key: '2026-03-02', bytes: 400 }]);
  });

  it("measures a member's stored bytes: each media file, items, titles and metadata in UTF-8", async () => {
    expect(await store.usage.storedBytes('u_a')).toBe(0);
    await store.mediaFiles.insertBlob({ sha256: 'aa', bytes: 1000, mime_type: 'image/png', created_at: 1 });
    for (const id of ['f1', 'f2']) {
      await store.mediaFiles.insertFile({ id, user_id: 'u_a', sha256: 'aa', filename: 'a', source: 'upload', purpose: 'user_data', created_at: 1 });
    }
    const seq = await store.conversations.insert({
      id: 'conv_1', user_id: 'u_a', project_id: null, title: 'Grüße', metadata: '{"k":"€"}', referrer: null, created_at: 1, updated_at: 1,
    });
    await store.conversations.insert({ id: 'conv_2', user_id: 'u_a', project_id: null, title: null, metadata: '{}', referrer: null, created_at: 1, updated_at: 1 });
    await store.conversations.insert({ id: 'conv_3', user_id: 'u_b', project_id: null, title: 'x', metadata: '{}', referrer: null, created_at: 1, updated_at: 1 });
    await store.items.insert({ id: 'msg_1', conversation_seq: seq, type: 'message', body: '{"text":"日本"}', created_at: 1 });
    // Files 2 × 1000; title 'Grüße' 7 bytes + metadata 11 bytes; '{}' 2 bytes; item 17 bytes.
    expect(await store.usage.storedBytes('u_a')).toBe(2000 + 7 + 11 + 2 + 17);
    expect(await store.usage.storedBytes('u_b')).toBe(1 + 2);
  });

  it('replaces a member\'s quotas whole; a missing member is refused', async () => {
    expect(await store.memberQuotas.get('u_a')).toBeUndefined();
    const quotas = { user_id: 'u_a', requests_per_minute: 60, tokens_per_day: 5_000_000_000, concurrent_streams: null, storage_bytes: 1024, updated_at: 5 };
    await store.memberQuotas.set(quotas);
    expect(await store.memberQuotas.get('u_a')).toEqual(quotas);
    const replaced = { user_id: 'u_a', requests_per_minute: null, tokens_per_day: null, concurrent_streams: 2, storage_bytes: null, updated_at: 6 };
    await store.memberQuotas.set(replaced);
    expect(await store.memberQuotas.get('u_a')).toEqual(replaced);
    await expect(store.memberQuotas.set({ ...replaced, user_id: 'nobody' })).rejects.toThrow();
  });
});
