/** The config's two steps: flag > environment > saved > default, each saved value through its key's own schema. */
import { describe, expect, it } from 'vitest';
import { ConfigError, isSavable, loadConfigWithSources, overlaySavedSettings } from '../../server/config/load-config.js';
import { configSchema } from '../../server/config/schema.js';

const platform = { dataDir: '/data/jan', cwd: '/work/app' };
const load = (argv: string[] = [], env: Record<string, string> = {}) => loadConfigWithSources({ argv, env, platform });

describe('settings precedence', () => {
  it('flag > env > saved > default, key by key', () => {
    const base = load(['--rate-hard-limit', '40'], { JAN_RATE_HARD_LIMIT: '30', JAN_CLIENT_RATE_LIMIT: '20' });
    const { config, sources } = overlaySavedSettings(base, { rateHardLimit: '10', clientRateLimit: '11', rateSoftLimit: '12' });
    expect([config.rateHardLimit, sources.rateHardLimit]).toEqual([40, 'flag']);
    expect([config.clientRateLimit, sources.clientRateLimit]).toEqual([20, 'env']);
    expect([config.rateSoftLimit, sources.rateSoftLimit]).toEqual([12, 'saved']);
    expect([config.queueDepthLimit, sources.queueDepthLimit]).toEqual([1000, 'default']);
  });

  it('step one says where each value came from and keeps the parsed defaults', () => {
    const base = load(['--port=8080'], { JAN_HOST: '127.0.0.2' });
    expect(base.sources).toMatchObject({ port: 'flag', host: 'env', backupKeep: 'default' });
    expect(base.defaults).toMatchObject({ port: 1337, host: '127.0.0.1', auth: true, corsOrigins: [], modelsDir: '/work/app/models' });
  });

  it('caller overrides count as flags', () => {
    const base = loadConfigWithSources({ argv: [], env: {}, platform, overrides: { port: 0 } });
    expect(base.sources.port).toBe('flag');
    expect(overlaySavedSettings(base, { port: '9000' }).config.port).toBe(0);
  });

  it('parses saved values with the same schema: on/off, lists, folders made absolute', () => {
    const { config } = overlaySavedSettings(load(), { auth: 'off', corsOrigins: 'http://a, http://b', backupDir: 'bk' }, platform);
    expect(config.auth).toBe(false);
    expect(config.corsOrigins).toEqual(['http://a', 'http://b']);
    expect(config.backupDir).toBe('/work/app/bk');
  });

  it('skips a saved value the schema no longer accepts (reported, not fatal), unknown keys and unsavable ones', () => {
    const result = overlaySavedSettings(load(), { backupKeep: '0', gone: 'x', dataDir: '/elsewhere', apiKey: 'k'.repeat(20) });
    expect(result.skipped).toEqual([{ name: 'backupKeep', message: expect.stringMatching(/>=1|too small/i) }]);
    expect(result.config.backupKeep).toBe(3);
    expect(result.config.dataDir).toBe('/data/jan');
    expect(result.config.apiKey).toBe('');
    expect(result.sources.dataDir).toBe('default');
  });

  it('refuses a saved combination the loader refuses (auth off beyond loopback)', () => {
    expect(() => overlaySavedSettings(load(), { host: '0.0.0.0', auth: 'off' })).toThrow(ConfigError);
  });

  it('never saves secrets or what is needed before the database opens', () => {
    const unsavable = Object.keys(configSchema).filter((name) => !isSavable(name as keyof typeof configSchema));
    expect(unsavable).toEqual(expect.arrayContaining(['dataDir', 'apiKey', 'logFormat']));
    for (const [name, spec] of Object.entries(configSchema)) if ('secret' in spec && spec.secret) expect(unsavable).toContain(name);
  });
});
