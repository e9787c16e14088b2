/** JAN_ENGINES and JAN_ENGINE_KEYS: what the config accepts, and errors that say what is wrong (never a key). */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, redactConfig } from '../../server/config/load-config.js';
import { parseEngineKeys, parseEngineSpecs } from '../../server/api/engines.js';

const load = (env: Record<string, string>) => loadConfig({ argv: [], env, platform: { dataDir: '/d', cwd: '/c' } });

function configError(env: Record<string, string>): string {
  try {
    load(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('JAN_ENGINES', () => {
  it('accepts a list of engines, with or without models, and none by default', () => {
    expect(load({}).engines).toBe('');
    const raw = JSON.stringify([{ name: 'gpu1', url: 'http://10.0.0.5:8080', models: ['llama-3-8b'] }, { name: 'gpu2', url: 'https://gpu2.lan/' }]);
    expect(load({ JAN_ENGINES: raw }).engines).toBe(raw);
    expect(parseEngineSpecs(raw)).toEqual({ ok: true, value: [
      { name: 'gpu1', url: 'http://10.0.0.5:8080', models: ['llama-3-8b'] }, { name: 'gpu2', url: 'https://gpu2.lan/' },
    ] });
  });

  it.each([
    ['not JSON', '[{name:', /^Invalid JAN_ENGINES \/ --engines = .*: must be a JSON array of engines \(/],
    ['not an array', '{"name":"a","url":"http://h"}', /: value: Invalid input: expected array/],
    ['a missing url', '[{"name":"a"}]', /: \[0\]\.url: /],
    ['another scheme', '[{"name":"a","url":"ftp://h"}]', /\[0\]\.url: must be an http\(s\) base URL/],
    ['credentials in the URL', '[{"name":"a","url":"http://u:p@h"}]', /\[0\]\.url: must be an http\(s\) base URL without credentials/],
    ['a bad name', '[{"name":"a b","url":"http://h"}]', /\[0\]\.name: must be 1-63 letters/],
    ['a name twice', '[{"name":"a","url":"http://h"},{"name":"a","url":"http://i"}]', /\[1\]\.name: the name 'a' is used twice/],
    ['an empty model list', '[{"name":"a","url":"http://h","models":[]}]', /\[0\]\.models: /],
    ['a key inside', '[{"name":"a","url":"http://h","api_key":"sk-1"}]', /api_key.*\(keys go in JAN_ENGINE_KEYS, a secret option never stored or shown\)/],
  ])('refuses %s with a message naming the problem', (_, raw, message) => {
    expect(configError({ JAN_ENGINES: raw })).toMatch(message);
  });
});

describe('JAN_ENGINE_KEYS', () => {
  it('maps engine names to keys, and is redacted in the start-up log', () => {
    expect(parseEngineKeys('gpu1=sk-a, gpu2=sk=b')).toEqual({ ok: true, value: new Map([['gpu1', 'sk-a'], ['gpu2', 'sk=b']]) });
    const config = load({ JAN_ENGINE_KEYS: 'gpu1=sk-secret-1' });
    expect(config.engineKeys).toBe('gpu1=sk-secret-1');
    expect(redactConfig(config).engineKeys).toBe('***');
  });

  it('refuses a malformed entry without echoing the key in the reason', () => {
    const message = configError({ JAN_ENGINE_KEYS: 'gpu1=sk-one,sk-secret-two' });
    expect(message).toBe('Invalid JAN_ENGINE_KEYS / --engine-keys = (a secret, not shown): entry 2 must be `engine-name=key`');
    expect(configError({ JAN_ENGINE_KEYS: 'a=1,a=2' })).toMatch(/the engine 'a' has two keys/);
  });
});
