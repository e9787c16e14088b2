/** loadConfig: defaults, env, flags (which win), errors that name the setting, consistency, redaction, README drift. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, isLoopbackHost, loadConfig, redactConfig, type LoadConfigOptions } from '../../server/config/load-config.js';
import { configSchema } from '../../server/config/schema.js';

const platform = { dataDir: '/data/jan', cwd: '/work/app' };
const load = (options: Omit<LoadConfigOptions, 'platform'> = {}) => loadConfig({ argv: [], env: {}, platform, ...options });

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    expect(load()).toMatchObject({
      host: '127.0.0.1',
      port: 1337,
      dataDir: '/data/jan',
      modelsDir: '/work/app/models',
      apiKey: '',
      logLevel: 'info',
      auth: true,
      guestLogin: 'auto',
      tokenTtlSeconds: 3600,
      sessionTtlSeconds: 43200,
      corsOrigins: [],
      allowedHosts: [],
      bodyLimitBytes: 4 * 1024 * 1024,
      requestTimeoutMs: 30_000,
      shutdownTimeoutMs: 10_000,
    });
    expect(Object.keys(load()).sort()).toEqual(Object.keys(configSchema).sort());
  });

  it('reads the environment', () => {
    const config = load({
      env: {
        JAN_HOST: 'localhost', JAN_PORT: '8080', JAN_AUTH: 'off', JAN_GUEST_LOGIN: 'off', JAN_LOG_LEVEL: 'debug',
        JAN_CORS_ORIGINS: ' http://a.test , http://b.test,, ', JAN_ALLOWED_HOSTS: 'jan.lan', JAN_API_KEY: 'k'.repeat(16),
        JAN_DATA_DIR: '/elsewhere', JAN_REQUEST_TIMEOUT_MS: '5000',
      },
    });
    expect(config).toMatchObject({
      host: 'localhost', port: 8080, auth: false, guestLogin: 'off', logLevel: 'debug',
      corsOrigins: ['http://a.test', 'http://b.test'], allowedHosts: ['jan.lan'], apiKey: 'k'.repeat(16),
      dataDir: '/elsewhere', modelsDir: '/work/app/models', requestTimeoutMs: 5000,
    });
  });

  it('ignores environment variables it does not know', () => {
    expect(load({ env: { PORT: '9', JAN_PROT: '9' } }).port).toBe(1337);
  });

  it('lets flags win over the environment, in both --flag value and --flag=value form', () => {
    const env = { JAN_PORT: '1111', JAN_HOST: 'localhost', JAN_LOG_LEVEL: 'warn' };
    expect(load({ env, argv: ['--port', '2222', '--log-level=error'] })).toMatchObject({ port: 2222, host: 'localhost', logLevel: 'error' });
    expect(load({ argv: ['--cors-origins=http://x.test,http://y.test'] }).corsOrigins).toEqual(['http://x.test', 'http://y.test']);
    expect(load({ argv: ['--api-key=abc=def=0123456789'] }).apiKey).toBe('abc=def=0123456789');
    expect(load({ argv: ['--port', '1', '--port', '2'] }).port).toBe(2);
  });

  it('lets overrides win over flags (the desktop shell and tests use them)', () => {
    expect(load({ argv: ['--port', '2222'], overrides: { port: 0 } }).port).toBe(0);
  });

  it('refuses unknown flags, positional arguments and flags without a value', () => {
    expect(configError(() => load({ argv: ['--prot', '1'] })).message).toMatch(/^Unknown option --prot\. Known options: --host, --port, /);
    expect(configError(() => load({ argv: ['serve'] })).message).toMatch(/^Unknown option serve\./);
    expect(configError(() => load({ argv: ['--port'] })).message).toBe('Option --port needs a value');
  });

  it('points to --help when an option is unknown', () => {
    expect(configError(() => load({ argv: ['--prot', '1'] })).message).toMatch(/^Unknown option --prot\. .*\. Run with --help to see what each does\.$/);
    expect(configError(() => load({ argv: ['--port'] })).message).not.toContain('--help');
  });

  it('reads the log format: text (the default) or json', () => {
    expect(load().logFormat).toBe('text');
    expect(load({ env: { JAN_LOG_FORMAT: 'json' } }).logFormat).toBe('json');
    expect(load({ env: { JAN_LOG_FORMAT: 'json' }, argv: ['--log-format=text'] }).logFormat).toBe('text');
    expect(configError(() => load({ argv: ['--log-format', 'pretty'] })).message).toMatch(/^Invalid JAN_LOG_FORMAT \/ --log-format = "pretty"/);
  });

  it('names the env var and the flag of an invalid value', () => {
    const cases: Array<[Record<string, string>, string[], RegExp]> = [
      [{ JAN_PORT: 'abc' }, [], /^Invalid JAN_PORT \/ --port = "abc": /],
      [{}, ['--port=70000'], /^Invalid JAN_PORT \/ --port = "70000": /],
      [{ JAN_PORT: '80.5' }, [], /^Invalid JAN_PORT /],
      [{ JAN_AUTH: 'maybe' }, [], /^Invalid JAN_AUTH \/ --auth = "maybe"/],
      [{ JAN_LOG_LEVEL: 'loud' }, [], /^Invalid JAN_LOG_LEVEL /],
      [{ JAN_GUEST_LOGIN: 'yes' }, [], /^Invalid JAN_GUEST_LOGIN /],
      [{ JAN_API_KEY: 'short' }, [], /^Invalid JAN_API_KEY .*must be empty or at least 16 characters/],
      [{ JAN_BODY_LIMIT_BYTES: '10' }, [], /^Invalid JAN_BODY_LIMIT_BYTES /],
      [{ JAN_REQUEST_TIMEOUT_MS: '120000' }, [], /^Invalid JAN_REQUEST_TIMEOUT_MS /],
      [{ JAN_HOST: '' }, [], /^Invalid JAN_HOST /],
    ];
    for (const [env, argv, message] of cases) expect(configError(() => load({ env, argv })).message).toMatch(message);
  });

  it('does not read an empty or non-decimal number as a number', () => {
    // `Number('')` is 0: an empty JAN_PORT must not silently mean "any free port".
    for (const port of ['', ' ', '0x50', '1e3', '+80']) {
      expect(configError(() => load({ env: { JAN_PORT: port } })).message, JSON.stringify(port)).toMatch(/^Invalid JAN_PORT /);
    }
    expect(load({ env: { JAN_PORT: ' 8080 ' } }).port).toBe(8080);
  });

  it('refuses authentication off on a non-loopback host, with a message that says why and what to do', () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.5', 'jan.lan']) {
      const error = configError(() => load({ env: { JAN_HOST: host, JAN_AUTH: 'off' } }));
      expect(error.message).toContain(`Refusing to listen on ${host} with authentication off`);
      expect(error.message).toContain('JAN_AUTH=on');
    }
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1']) {
      expect(load({ env: { JAN_HOST: host, JAN_AUTH: 'off' } }).auth, host).toBe(false);
    }
    expect(load({ env: { JAN_HOST: '0.0.0.0' } }).host).toBe('0.0.0.0');
  });

  it('checks the consistency of overrides too', () => {
    expect(() => load({ overrides: { host: '0.0.0.0', auth: false } })).toThrow(ConfigError);
  });
});

describe('isLoopbackHost', () => {
  it('knows the loopback names and addresses', () => {
    for (const host of ['localhost', '127.0.0.1', '127.255.0.9', '::1', '[::1]']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', 'localhost.evil.example', '127.0.0.1.evil.example']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });
});

describe('redactConfig', () => {
  it('hides the API key and shows everything else', () => {
    const config = load({ env: { JAN_API_KEY: 'super-secret-admin-key' } });
    const redacted = redactConfig(config);
    expect(redacted.apiKey).toBe('***');
    expect(JSON.stringify(redacted)).not.toContain('super-secret-admin-key');
    expect({ ...redacted, apiKey: config.apiKey }).toEqual(config);
  });

  it('shows an unset key as empty, so the log says there is none', () => {
    expect(redactConfig(load()).apiKey).toBe('');
  });
});

describe('the config schema', () => {
  it('gives every key a JAN_ env var, a --flag, a description and a default that parses', () => {
    const envs = new Set<string>();
    const flags = new Set<string>();
    for (const [name, spec] of Object.entries(configSchema)) {
      expect(spec.env, name).toMatch(/^JAN_[A-Z0-9_]+$/);
      expect(spec.flag, name).toMatch(/^--[a-z0-9-]+$/);
      expect(spec.flag, name).toBe(`--${spec.env.slice(4).toLowerCase().replaceAll('_', '-')}`);
      expect(spec.description.length, name).toBeGreaterThan(10);
      envs.add(spec.env);
      flags.add(spec.flag);
    }
    expect(envs.size).toBe(Object.keys(configSchema).length);
    expect(flags.size).toBe(Object.keys(configSchema).length);
  });
});

describe('README configuration table', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  /** Rows of markdown tables, as arrays of trimmed cells. */
  const rows = readme
    .split('\n')
    .filter((line) => /^\|.*\|\s*$/.test(line))
    .map((line) => line.trim().slice(1, -1).split('|').map((cell) => cell.trim()));

  it('has a row for every config key naming its env var, its flag and its default', () => {
    for (const [name, spec] of Object.entries(configSchema)) {
      const row = rows.find((cells) => cells[0] === `\`${spec.env}\``);
      expect(row, `README.md has no configuration row for ${spec.env} (${name})`).toBeDefined();
      expect(row![1], spec.env).toBe(`\`${spec.flag}\``);
      expect(row![2], spec.env).toBe(spec.defaultDoc);
    }
  });

  it('documents no env var the server does not read', () => {
    const known = new Set(Object.values(configSchema).map((spec) => `\`${spec.env}\``));
    const documented = rows.map((cells) => cells[0]!).filter((cell) => /^`JAN_[A-Z0-9_]+`$/.test(cell));
    expect(documented.filter((cell) => !known.has(cell))).toEqual([]);
  });
});
