/** UsageRecorder over a real SQLite store: buffered off the request path, summed per hour, flushed on close. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../server/store/store.js';
import { UsageRecorder } from '../../server/usage/usage-recorder.js';

const HOUR_MS = 3_600_000;
const T0 = Date.UTC(2026, 0, 5, 10, 30); // 10:30 UTC

describe('UsageRecorder', () => {
  let dir: string;
  let store: Store;
  let now: number;
  const usage = (userId: string, modelId = 'm', completionTokens = 10, failed = false) =>
    ({ userId, modelId, promptTokens: 3, completionTokens, slotSeconds: 0.5, failed });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'jan-usage-'));
    store = openStore({ file: join(dir, 'jan.sqlite') });
    now = T0;
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes nothing until a flush; close() flushes; hours and models are separate rows that sum across flushes', async () => {
    const recorder = new UsageRecorder(store.usage, { now: () => now, intervalMs: 3_600_000 });
    recorder.record(usage('u1'));
    recorder.record(usage('u1', 'm', 5, true));
    expect(await store.usage.totals('user', 0, T0 / 1000 + 86_400)).toEqual([]);
    await recorder.flush();
    recorder.record(usage('u1'));
    now = T0 + HOUR_MS;
    recorder.record(usage('u1', 'other'));
    await recorder.close();
    const [line] = await store.usage.totals('user', 0, T0 / 1000 + 86_400);
    expect(line).toEqual({ key: 'u1', label: 'u1', requests: 4, errors: 1, prompt_tokens: 12, completion_tokens: 35, model_ms: 2000 });
    expect((await store.usage.totals('model', 0, T0 / 1000 + 86_400)).map((l) => [l.key, l.requests])).toEqual([['m', 3], ['other', 1]]);
    // The range counts hours by their start: only the 10:00 hour.
    expect((await store.usage.totals('user', 0, T0 / 1000 + 1800))[0]!.requests).toBe(3); // up to 11:00
  });

  it('generatedToday counts written and unwritten tokens since 00:00 UTC only', async () => {
    const recorder = new UsageRecorder(store.usage, { now: () => now, intervalMs: 3_600_000 });
    now = T0 - 11 * HOUR_MS; // 23:30 the day before
    recorder.record(usage('u1', 'm', 100));
    await recorder.flush();
    now = T0;
    recorder.record(usage('u1', 'm', 7));
    await recorder.flush();
    recorder.record(usage('u1', 'm', 5));
    recorder.record(usage('u2', 'm', 1000));
    expect(await recorder.generatedToday('u1')).toBe(12);
    await recorder.close();
  });

  it('counts the rows of a flush in progress (taken from memory, not yet written) once', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const repo = { ...store.usage, add: async (rows: Parameters<typeof store.usage.add>[0]) => (await held, store.usage.add(rows)) };
    const recorder = new UsageRecorder(repo, { now: () => now, intervalMs: 3_600_000 });
    recorder.record(usage('u1', 'm', 7));
    const flushing = recorder.flush();
    await new Promise(setImmediate); // the flush has taken the row and waits on the database
    recorder.record(usage('u1', 'm', 5));
    const counting = recorder.generatedToday('u1');
    release();
    expect(await counting).toBe(12);
    await flushing;
    expect(await recorder.generatedToday('u1')).toBe(12);
    await recorder.close();
  });

  it('keeps the rows when a write fails and writes them at the next flush', async () => {
    let fail = true;
    const repo = { ...store.usage, add: (rows: Parameters<typeof store.usage.add>[0]) => (fail ? Promise.reject(new Error('disk full')) : store.usage.add(rows)) };
    const warnings: string[] = [];
    const logger = { warn: (_: unknown, message?: string) => void warnings.push(message ?? '') } as unknown as Pick<Logger, 'warn'>;
    const recorder = new UsageRecorder(repo, { now: () => now, intervalMs: 3_600_000, logger });
    recorder.record(usage('u1'));
    await recorder.flush(); // resolves: a failed write is logged, never thrown
    expect(warnings).toEqual(['usage counters not written; retrying at the next flush']);
    fail = false;
    recorder.record(usage('u1'));
    await recorder.close();
    expect((await store.usage.totals('user', 0, T0 / 1000 + 86_400))[0]!.requests).toBe(2);
  });
});
