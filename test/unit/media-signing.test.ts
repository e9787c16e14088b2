import { describe, expect, it } from 'vitest';
import { MediaSigner } from '../../server/media/media-signer.js';
import type { SettingsRepo } from '../../server/store/settings-repo.js';

const settings = (values = new Map<string, string>()) =>
  ({ getOrCreate: (key: string, create: () => string) => values.get(key) ?? (values.set(key, create()), values.get(key)!) }) as unknown as SettingsRepo;

describe('MediaSigner', () => {
  it('accepts its own signature until it expires, for the action and id it was made for only', () => {
    const signer = new MediaSigner(settings(), 60);
    const params = signer.sign('get', 'jan_a', 1000);
    expect(params.expires).toBe(1060);
    expect(signer.verify('get', 'jan_a', params, 1059)).toBe(true);
    expect(signer.verify('get', 'jan_a', params, 1060)).toBe(false);
    expect(signer.verify('put', 'jan_a', params, 1000)).toBe(false);
    expect(signer.verify('get', 'jan_b', params, 1000)).toBe(false);
    expect(signer.verify('get', 'jan_a', { ...params, expires: 2000 }, 1000)).toBe(false);
    expect(signer.verify('get', 'jan_a', { ...params, signature: 'ab' }, 1000)).toBe(false);
  });

  it('keeps its secret in the settings, so signatures survive a restart and differ between installs', () => {
    const store = new Map<string, string>();
    const params = new MediaSigner(settings(store), 60).sign('get', 'jan_a', 1000);
    expect(new MediaSigner(settings(store), 60).verify('get', 'jan_a', params, 1000)).toBe(true);
    expect(new MediaSigner(settings(), 60).verify('get', 'jan_a', params, 1000)).toBe(false);
  });
});
