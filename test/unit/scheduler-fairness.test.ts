import { describe, expect, it } from 'vitest';
import { QueueFullError, SchedulerClosedError, SlotScheduler, type SlotLease } from '../../server/runtime/scheduler.js';

const none = () => 0;

/** Releases each lease as soon as it is handed out, noting whose it was, until `count` were served. */
function serveInOrder(scheduler: SlotScheduler, waiting: Array<[string, Promise<SlotLease>]>, held: SlotLease): Promise<string[]> {
  const order: string[] = [];
  const served = waiting.map(([who, lease]) =>
    lease.then((l) => {
      order.push(who);
      // Hand the slot on only after this turn is recorded, like a generation ending.
      queueMicrotask(() => l.release());
    }),
  );
  held.release();
  return Promise.all(served).then(() => order);
}

describe('SlotScheduler fairness', () => {
  it('serves a member who arrives later before the rest of another member\'s backlog', async () => {
    const s = new SlotScheduler({ slots: 1, maxQueue: 20 });
    const held = await s.acquire(none, undefined, 'a');
    const waiting: Array<[string, Promise<SlotLease>]> = [];
    for (let i = 0; i < 10; i++) waiting.push([`a${i}`, s.acquire(none, undefined, 'a')]);
    waiting.push(['b0', s.acquire(none, undefined, 'b')]);
    expect(s.queuedFor('a')).toBe(10);
    expect(s.queuedFor('b')).toBe(1);
    const order = await serveInOrder(s, waiting, held);
    // a0 was first in line; then it is b's turn, and a's backlog follows in its own order.
    expect(order).toEqual(['a0', 'b0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9']);
    expect(s.queued).toBe(0);
    expect(s.active).toBe(0);
  });

  it('alternates between members that both have a backlog, each in FIFO order', async () => {
    const s = new SlotScheduler({ slots: 1, maxQueue: 20 });
    const held = await s.acquire(none);
    const waiting: Array<[string, Promise<SlotLease>]> = [];
    for (let i = 0; i < 3; i++) waiting.push([`a${i}`, s.acquire(none, undefined, 'a')]);
    for (let i = 0; i < 3; i++) waiting.push([`b${i}`, s.acquire(none, undefined, 'b')]);
    waiting.push(['c0', s.acquire(none, undefined, 'c')]);
    expect(await serveInOrder(s, waiting, held)).toEqual(['a0', 'b0', 'c0', 'a1', 'b1', 'a2', 'b2']);
  });

  it('is one FIFO when no key is given (fairness off)', async () => {
    const s = new SlotScheduler({ slots: 1, maxQueue: 20 });
    const held = await s.acquire(none);
    const waiting: Array<[string, Promise<SlotLease>]> = [];
    for (let i = 0; i < 4; i++) waiting.push([`a${i}`, s.acquire(none)]);
    waiting.push(['b0', s.acquire(none)]);
    expect(await serveInOrder(s, waiting, held)).toEqual(['a0', 'a1', 'a2', 'a3', 'b0']);
  });

  it('keeps a quarter of the queue for others: one member is refused first, another still gets in', async () => {
    const s = new SlotScheduler({ slots: 1, maxQueue: 8 });
    const held = await s.acquire(none, undefined, 'a');
    const waiting = Array.from({ length: 6 }, () => s.acquire(none, undefined, 'a'));
    await expect(s.acquire(none, undefined, 'a')).rejects.toBeInstanceOf(QueueFullError);
    const b = Array.from({ length: 2 }, () => s.acquire(none, undefined, 'b'));
    expect(s.queued).toBe(8);
    // The queue as a whole is full now, for everyone.
    await expect(s.acquire(none, undefined, 'c')).rejects.toThrow('The request queue is full (8 waiting).');
    s.close();
    for (const w of [...waiting, ...b]) await expect(w).rejects.toBeInstanceOf(SchedulerClosedError);
    held.release();
  });

  it('an aborted waiter leaves its member\'s sub-queue; the member\'s turn goes when it has none left', async () => {
    const s = new SlotScheduler({ slots: 1, maxQueue: 10 });
    const held = await s.acquire(none);
    const controller = new AbortController();
    const a = s.acquire(none, controller.signal, 'a');
    const b = s.acquire(none, undefined, 'b');
    controller.abort(new Error('gone'));
    await expect(a).rejects.toThrow('gone');
    expect(s.queuedFor('a')).toBe(0);
    expect(s.queued).toBe(1);
    held.release();
    const lease = await b;
    expect(lease.slot).toBe(0);
    lease.release();
    expect(s.active).toBe(0);
  });

  it('gives the member whose turn it is the free slot with its cached prefix', async () => {
    const s = new SlotScheduler({ slots: 2, maxQueue: 10 });
    const x = await s.acquire(none, undefined, 'a');
    const y = await s.acquire(none, undefined, 'a');
    const a = s.acquire((slot) => (slot === 0 ? 50 : 0), undefined, 'a');
    const b = s.acquire((slot) => (slot === 1 ? 50 : 0), undefined, 'b');
    y.release(); // slot 1 frees: a's turn, it gets slot 1 (the only free one)
    x.release(); // slot 0: b's turn
    expect((await a).slot).toBe(1);
    expect((await b).slot).toBe(0);
  });
});

describe('SlotScheduler without fairness keys', () => {
  it('lets unkeyed requests fill the whole queue (the cap is per member)', async () => {
    const s = new SlotScheduler({ slots: 1, maxQueue: 8 });
    const held = await s.acquire(none);
    const waiting = Array.from({ length: 8 }, () => s.acquire(none));
    expect(s.queued).toBe(8);
    await expect(s.acquire(none)).rejects.toBeInstanceOf(QueueFullError);
    s.close();
    for (const w of waiting) await expect(w).rejects.toBeInstanceOf(SchedulerClosedError);
    held.release();
  });
});
