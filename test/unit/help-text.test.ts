/** `--help` is generated from the config schema: every key's flag, env name, default and description, in order. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cliAnswer, helpText, plain } from '../../server/config/help-text.js';
import { configSchema } from '../../server/config/schema.js';

const platform = { dataDir: '/data/jan', cwd: '/work/app' };
const help = helpText({ version: '9.8.7', platform, width: 80 });
const lines = help.split('\n');
const optionLines = lines.filter((line) => /^ {2}--/.test(line));
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

describe('helpText', () => {
  it('names every key with its flag, env name and documented default, one line each, in the schema order', () => {
    const specs = Object.values(configSchema);
    expect(optionLines).toHaveLength(specs.length);
    specs.forEach((spec, i) => {
      expect(optionLines[i], spec.env).toMatch(new RegExp(`^ {2}${spec.flag}, ${spec.env} {2}\\[default: `));
      expect(optionLines[i], spec.env).toContain(`[default: ${plain(spec.defaultDoc)}`);
    });
  });

  it("gives every key's description under it (wrapped, without markdown backticks)", () => {
    for (const spec of Object.values(configSchema)) {
      const at = lines.findIndex((line) => line.startsWith(`  ${spec.flag}, `));
      const below: string[] = [];
      for (let i = at + 1; lines[i]?.startsWith('      '); i++) below.push(lines[i]!.trim());
      expect(below.join(' '), spec.env).toBe(plain(spec.description).split(/\s+/).join(' '));
    }
    expect(help).not.toContain('`');
  });

  it('shows OS-dependent defaults as they are on this machine', () => {
    expect(help).toContain('--data-dir, JAN_DATA_DIR  [default: the OS per-user data folder ($XDG_DATA_HOME/jan-server on Linux); here: /data/jan]');
    expect(help).toContain('--models-dir, JAN_MODELS_DIR  [default: ./models; here: /work/app/models]');
    expect(helpText({ version: '1' })).toContain('--models-dir, JAN_MODELS_DIR  [default: ./models]');
  });

  it('starts with the version and usage lines, and wraps descriptions at the width', () => {
    expect(lines[0]).toBe('Jan Server 9.8.7: the /v1 API, the dashboard and /metrics on this machine.');
    expect(lines.slice(2, 7)).toEqual([
      'Usage:',
      '  npm start -- [options]               from a checkout (builds first when needed)',
      "  npx jan-server [serve] [options]     the same, as the package's command (headless servers, containers)",
      '  node dist/server/main.js [options]   the built server',
      '  npm start -- --help | --version',
    ]);
    for (const line of lines.filter((l) => l.startsWith('      '))) expect(line.length, line).toBeLessThanOrEqual(80);
    const narrow = helpText({ version: '1', width: 60 }).split('\n').filter((l) => l.startsWith('      '));
    for (const line of narrow) expect(line.length, line).toBeLessThanOrEqual(60);
  });

  it('groups the options under headings, the first option under the first one', () => {
    const firstOption = lines.indexOf(optionLines[0]!);
    expect(lines.slice(firstOption - 2, firstOption)).toEqual(['', 'Server']);
    const headings = lines.filter((line, i) => line !== '' && !line.startsWith(' ') && lines[i - 1] === '' && i > firstOption - 2);
    expect(headings).toEqual([
      'Server', 'Logging', 'Access and requests', 'Media and OCR', 'Local inference',
      'Response API (sentiment, summary, content analysis)', 'Limits, response cache, data lifecycle, backups',
      'Running on a server (PostgreSQL, Redis, replicas, remote engines)',
    ]);
    const logging = lines.indexOf('Logging');
    expect(lines[logging + 1]).toMatch(/^ {2}--log-level, JAN_LOG_LEVEL /);
  });
});

describe('cliAnswer', () => {
  it('answers --help and -h anywhere on the command line with the help, --version with the version', () => {
    for (const argv of [['--help'], ['-h'], ['--port', '1', '--help'], ['--version', '--help']]) {
      expect(cliAnswer(argv, 80), argv.join(' ')).toMatch(new RegExp(`^Jan Server ${version}: `));
    }
    expect(cliAnswer(['--version'])).toBe(`jan-server ${version}\n`);
    expect(cliAnswer(['--port=1', '--version'])).toBe(`jan-server ${version}\n`);
  });

  it('leaves everything else to the config (which refuses what it does not know)', () => {
    for (const argv of [[], ['--port', '1'], ['--helpme'], ['--version=1'], ['help']]) expect(cliAnswer(argv), argv.join(' ')).toBeUndefined();
  });
});
