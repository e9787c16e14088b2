import { describe, expect, it } from 'vitest';
import { MediaSigner } from '../../server/media/media-signer.js';
import type { SecretSettings } from '../../server/media/media-signer.js';

const settings = (values = new Map<string, string>()): SecretSettings => ({
  getOrCreate: async (key: string, create: () => string) => values.get(key) ?? (values.set(key, create()), values.get(key)!),
});

describe('MediaSigner', () => {
  it('accepts its own signature until it expires, for the action and id it was made for only', async () => {
    const signer = new MediaSigner(settings(), 60);
    const params = await signer.sign('get', 'jan_a', 1000);
    expect(params.expires).toBe(1060);
    expect(await signer.verify('get', 'jan_a', params, 1059)).toBe(true);
    expect(await signer.verify('get', 'jan_a', params, 1060)).toBe(false);
    expect(await signer.verify('put', 'jan_a', params, 1000)).toBe(false);
    expect(await signer.verify('get', 'jan_b', params, 1000)).toBe(false);
    expect(await signer.verify('get', 'jan_a', { ...params, expires: 2000 }, 1000)).toBe(false);
    expect(await signer.verify('get', 'jan_a', { ...params, signature: 'ab' }, 1000)).toBe(false);
  });

  it('keeps its secret in the settings, so signatures survive a restart and differ between installs', async () => {
    const store = new Map<string, string>();
    const params = await new MediaSigner(settings(store), 60).sign('get', 'jan_a', 1000);
    expect(await new MediaSigner(settings(store), 60).verify('get', 'jan_a', params, 1000)).toBe(true);
    expect(await new MediaSigner(settings(), 60).verify('get', 'jan_a', params, 1000)).toBe(false);
  });

  it('reads its secret once, and again after a failed read', async () => {
    let reads = 0;
    const values = new Map<string, string>();
    const flaky: SecretSettings = {
      getOrCreate: async (key, create) => {
        reads++;
        if (reads === 1) throw new Error('database unavailable');
        return values.get(key) ?? (values.set(key, create()), values.get(key)!);
      },
    };
    const signer = new MediaSigner(flaky, 60);
    await expect(signer.sign('get', 'jan_a', 1000)).rejects.toThrow('database unavailable');
    const params = await signer.sign('get', 'jan_a', 1000);
    expect(await signer.verify('get', 'jan_a', params, 1000)).toBe(true);
    expect(reads).toBe(2);
  });
});
