import { describe, expect, it } from 'vitest';
import { QueueFullError, SchedulerClosedError, SlotScheduler } from '../../server/runtime/scheduler.js';

const none = () => 0;

describe('SlotScheduler', () => {
  it('hands out free slots at once, lowest first when nothing is cached', async () => {
    const s = new SlotScheduler({ slots: 2, maxQueue: 0 });
    const a = await s.acquire(none);
    const b = await s.acquire(none);
    expect([a.slot, b.slot]).toEqual([0, 1]);
    expect(s.active).toBe(2);
  });

  it('queues in FIFO order and refuses beyond maxQueue', async () => {
    const s = new SlotScheduler({ slots: 1, maxQueue: 2 });
    const held = await s.acquire(none);
    const order: string[] = [];
    const first = s.acquire(none).then((lease) => (order.push('first'), lease));
    const second = s.acquire(none).then((lease) => (order.push('second'), lease));
    await expect(s.acquire(none)).rejects.toBeInstanceOf(QueueFullError);
    expect(s.queued).toBe(2);
    held.release();
    (await first).release();
    (await second).release();
    expect(order).toEqual(['first', 'second']);
    expect(s.active).toBe(0);
  });

  it('prefers the free slot with the longest cached prefix', async () => {
    const s = new SlotScheduler({ slots: 3, maxQueue: 0 });
    const lease = await s.acquire((slot) => [5, 40, 10][slot]!);
    expect(lease.slot).toBe(1);
  });

  it('breaks ties by the slot released longest ago, so recent caches survive', async () => {
    const s = new SlotScheduler({ slots: 2, maxQueue: 0 });
    const a = await s.acquire(none);
    const b = await s.acquire(none);
    b.release(); // slot 1 released first
    a.release(); // slot 0 released last: its cache is the freshest
    expect((await s.acquire(none)).slot).toBe(1);
  });

  it('gives the head of the queue the best slot among those free', async () => {
    const s = new SlotScheduler({ slots: 2, maxQueue: 5 });
    const a = await s.acquire(none);
    const b = await s.acquire(none);
    const waiting = s.acquire((slot) => (slot === 1 ? 100 : 0));
    a.release();
    expect((await waiting).slot).toBe(0); // only slot 0 was free when it was served
    b.release();
  });

  it('removes a waiter whose signal aborts, rejecting with the reason', async () => {
    const s = new SlotScheduler({ slots: 1, maxQueue: 1 });
    const held = await s.acquire(none);
    const controller = new AbortController();
    const waiting = s.acquire(none, controller.signal);
    expect(s.queued).toBe(1);
    controller.abort(new Error('client gone'));
    await expect(waiting).rejects.toThrow('client gone');
    expect(s.queued).toBe(0);
    held.release();
    expect(s.active).toBe(0);
  });

  it('rejects an already aborted signal without taking a slot', async () => {
    const s = new SlotScheduler({ slots: 1, maxQueue: 1 });
    await expect(s.acquire(none, AbortSignal.abort(new Error('late')))).rejects.toThrow('late');
    expect(s.active).toBe(0);
  });

  it('release is idempotent', async () => {
    const s = new SlotScheduler({ slots: 1, maxQueue: 0 });
    const lease = await s.acquire(none);
    lease.release();
    lease.release();
    expect(s.active).toBe(0);
    const again = await s.acquire(none);
    await expect(s.acquire(none)).rejects.toBeInstanceOf(QueueFullError);
    again.release();
  });

  it('close() fails the waiters and refuses new requests; whenIdle waits for running leases', async () => {
    const s = new SlotScheduler({ slots: 1, maxQueue: 3 });
    const held = await s.acquire(none);
    const waiting = s.acquire(none);
    s.close();
    await expect(waiting).rejects.toBeInstanceOf(SchedulerClosedError);
    await expect(s.acquire(none)).rejects.toBeInstanceOf(SchedulerClosedError);
    let idle = false;
    const whenIdle = s.whenIdle().then(() => (idle = true));
    await Promise.resolve();
    expect(idle).toBe(false);
    held.release();
    await whenIdle;
    expect(idle).toBe(true);
  });

  it('reports queue and activity changes', async () => {
    const states: string[] = [];
    const s = new SlotScheduler({ slots: 1, maxQueue: 1, onChange: ({ queued, active }) => states.push(`${queued}/${active}`) });
    const held = await s.acquire(none);
    const waiting = s.acquire(none);
    held.release();
    (await waiting).release();
    expect(states).toEqual(['0/1', '1/1', '0/1', '0/1', '0/0']);
  });
});
