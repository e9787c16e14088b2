/** The live-settings table matches the schema's `live` marks, and each applier reaches its owner with the new figures. */
import { describe, expect, it } from 'vitest';
import { configSchema, type Config } from '../../server/config/schema.js';
import { loadConfig } from '../../server/config/load-config.js';
import { applyLive, LIVE_APPLIERS, type LiveTargets } from '../../server/settings/index.js';
import { CONFIG_GROUPS, configGroupOf } from '../../server/config/config-groups.js';

describe('live settings', () => {
  it('has an applier for exactly the keys the schema marks live', () => {
    const marked = Object.entries(configSchema).filter(([, spec]) => 'live' in spec && spec.live).map(([name]) => name);
    expect(Object.keys(LIVE_APPLIERS).sort()).toEqual(marked.sort());
  });

  it('applies each owner once with the whole new figures', () => {
    const calls: Array<[string, unknown]> = [];
    const targets: LiveTargets = {
      limits: { reconfigure: (f) => calls.push(['limits', f]) },
      lan: { setGuestLogin: (m) => calls.push(['lan', m]) },
      models: { reconfigure: (f) => calls.push(['models', f]) },
      responseCache: { resize: (b) => calls.push(['cache', b]) },
      engines: { reconfigure: (c) => calls.push(['engines', c]) },
      logger: { level: 'info' },
      resolveThreads: () => 3,
    };
    const config: Config = { ...loadConfig({ argv: [], env: {}, platform: { dataDir: '/d', cwd: '/c' } }), clientRateLimit: 7, parallel: 2, logLevel: 'debug' };
    applyLive(['clientRateLimit', 'rateHardLimit', 'parallel', 'threads', 'logLevel', 'responseCacheBytes'], config, targets);
    expect(calls).toEqual([
      ['limits', expect.objectContaining({ clientRateLimit: 7, rateHardLimit: 5000, queueDepthLimit: 1000 })],
      ['models', { load: { contextSize: 4096, slots: 2, threads: 3 }, maxQueue: 100, maxLoaded: 1, idleTtlSeconds: 900 }],
      ['cache', 64 * 1024 * 1024],
    ]);
    expect(targets.logger.level).toBe('debug');
  });

  it('puts every key in a group, in the schema order the README table and --help use', () => {
    const groups = configGroupOf();
    expect([...groups.keys()]).toEqual(Object.keys(configSchema));
    expect(new Set(groups.values())).toEqual(new Set(CONFIG_GROUPS.map(([title]) => title)));
    expect(groups.get('rateHardLimit')).toBe('Limits, response cache, data lifecycle, backups');
  });
});
