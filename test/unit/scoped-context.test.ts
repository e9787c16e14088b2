/** ScopedContext: AsyncLocalStorage whose hook is off while no scope is open, without losing any open scope's value. */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ScopedContext } from '../../server/store/scoped-context.js';

describe('ScopedContext', () => {
  it('gives a scope its value across awaits, and nothing outside or after it', async () => {
    const context = new ScopedContext<string>();
    expect(context.get()).toBeUndefined();
    const seen = await context.run('tx', async () => {
      await sleep(1);
      return context.get();
    });
    expect(seen).toBe('tx');
    expect(context.get()).toBeUndefined();
  });

  it('keeps the outer value after a nested scope ends', async () => {
    const context = new ScopedContext<number>();
    const seen = await context.run(1, async () => {
      const inner = await context.run(2, async () => {
        await sleep(1);
        return context.get();
      });
      await sleep(1);
      return [inner, context.get()];
    });
    expect(seen).toEqual([2, 1]);
  });

  it('keeps a concurrent scope open when another one ends first (switched off only when none is open)', async () => {
    const context = new ScopedContext<string>();
    let releaseLong!: () => void;
    const longGate = new Promise<void>((resolve) => (releaseLong = resolve));
    const long = context.run('long', async () => {
      await longGate;
      await sleep(1);
      return context.get();
    });
    expect(await context.run('short', async () => context.get())).toBe('short');
    releaseLong();
    expect(await long).toBe('long');
    expect(context.get()).toBeUndefined();
  });

  it('closes a scope whose function throws', async () => {
    const context = new ScopedContext<string>();
    await expect(context.run('tx', async () => {
      throw new Error('boom');
    })).rejects.toThrow('boom');
    expect(context.get()).toBeUndefined();
    expect(await context.run('again', async () => context.get())).toBe('again');
  });
});
