/**
 * The CLI's logging: JSON into a size-rotated file in the data folder and warnings in words on the terminal
 * (`text`), or JSON lines on stdout and no file (`json`); and the human line a record becomes.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createCliLog, LOG_FILE_NAME } from '../../server/log/cli-log.js';
import { humanLine } from '../../server/log/human-lines.js';

const root = mkdtempSync(join(tmpdir(), 'jan-cli-log-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let folders = 0;
const newDataDir = () => join(root, `data-${++folders}`);

function collector() {
  let text = '';
  return { write: (chunk: string) => void (text += chunk), text: () => text };
}

const records = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);

describe('createCliLog, text', () => {
  it('writes every record as JSON into <dataDir>/logs/jan-server.log and only warnings and errors, in words, to the terminal', async () => {
    const dataDir = newDataDir();
    const stderr = collector();
    const log = createCliLog({ logLevel: 'info', logFormat: 'text', dataDir }, { stderr });
    expect(log.file).toBe(join(dataDir, 'logs', LOG_FILE_NAME));
    log.logger.info({ config: { port: 1 } }, 'starting');
    log.logger.debug('not at this level');
    log.logger.warn({ model: 'tiny', err: new Error('bad header\nsecond line') }, 'model failed to load');
    log.logger.error('no space left');
    log.quiet.fatal({ err: new Error('port taken') }, 'the server could not start');
    await log.close();
    await log.close(); // twice is fine

    expect(records(log.file!).map((r) => [r.level, r.msg])).toEqual([
      [30, 'starting'], [40, 'model failed to load'], [50, 'no space left'], [60, 'the server could not start'],
    ]);
    expect(records(log.file!)[0]).toMatchObject({ service: 'jan-server', config: { port: 1 } });
    expect(records(log.file!)[3]!.err).toMatchObject({ message: 'port taken', stack: expect.stringContaining('Error: port taken') });
    expect(stderr.text()).toBe('warning: model failed to load: bad header (model=tiny)\nerror: no space left\n');
  });

  it('rotates the file by size and keeps it and four older ones (.1 newest)', async () => {
    const dataDir = newDataDir();
    const log = createCliLog({ logLevel: 'info', logFormat: 'text', dataDir }, { stderr: collector(), rotateSize: '400B' });
    for (let i = 0; i <= 60; i++) {
      log.logger.info({ i }, 'a line of about a hundred bytes of JSON, to fill the file');
      await new Promise((resolve) => setImmediate(resolve)); // lets the stream write and rotate between lines
    }
    await log.close();
    const logs = join(dataDir, 'logs');
    expect(readdirSync(logs).sort()).toEqual(['jan-server.log', 'jan-server.log.1', 'jan-server.log.2', 'jan-server.log.3', 'jan-server.log.4']);
    const order = ['jan-server.log.4', 'jan-server.log.3', 'jan-server.log.2', 'jan-server.log.1', 'jan-server.log'];
    const numbers = order.flatMap((name) => records(join(logs, name)).map((r) => r.i as number));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b)); // oldest to newest across the files
    expect(numbers.at(-1)).toBe(60);
    expect(numbers[0]).toBeGreaterThan(0); // the oldest lines were dropped with the oldest file
    const line = readFileSync(join(logs, 'jan-server.log.1'), 'utf8').split('\n')[0]!.length + 1;
    for (const name of order.slice(0, 4)) expect(statSync(join(logs, name)).size, name).toBeLessThan(400 + line);
  });

  it('goes on appending to the file a previous run left', async () => {
    const dataDir = newDataDir();
    for (const run of [1, 2]) {
      const log = createCliLog({ logLevel: 'info', logFormat: 'text', dataDir }, { stderr: collector() });
      log.logger.info({ run }, 'starting');
      await log.close();
    }
    expect(records(join(dataDir, 'logs', LOG_FILE_NAME)).map((r) => r.run)).toEqual([1, 2]);
  });

  it('says once on the terminal when the file cannot be written, and does not throw', async () => {
    const dataDir = newDataDir();
    writeFileSync(dataDir, 'a file where the data folder should be');
    const stderr = collector();
    const log = createCliLog({ logLevel: 'info', logFormat: 'text', dataDir }, { stderr });
    log.logger.info('one');
    log.logger.info('two');
    await log.close();
    expect(stderr.text()).toMatch(/^jan-server: cannot write the log file in .*logs: .*\n$/);
  });
});

describe('createCliLog, json', () => {
  it('writes JSON lines to stdout, warnings included, and no file', async () => {
    const dataDir = newDataDir();
    let out = '';
    const stdout = new Writable({ write: (chunk: Buffer, _encoding, done) => ((out += chunk.toString()), done()) });
    const log = createCliLog({ logLevel: 'info', logFormat: 'json', dataDir }, { stdout });
    log.logger.info({ url: 'http://x' }, 'listening');
    log.logger.warn('no model installed');
    log.quiet.fatal('could not start');
    await log.close();
    expect(log.file).toBeUndefined();
    expect(out.trim().split('\n').map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(['listening', 'no model installed', 'could not start']);
    expect(existsSync(dataDir)).toBe(false);
  });
});

describe('humanLine', () => {
  it('says the level in words, the message, the error and the plain fields', () => {
    expect(humanLine({ level: 40, time: 1, pid: 2, hostname: 'h', service: 'jan-server', msg: 'disk full', route: '/v1/x', requestId: 'r1' }))
      .toBe('warning: disk full (route=/v1/x, requestId=r1)');
    expect(humanLine({ level: 50, msg: 'maintenance job failed', job: 'backup', err: { type: 'Error', message: 'EACCES', stack: '…' } }))
      .toBe('error: maintenance job failed: EACCES (job=backup)');
    expect(humanLine({ level: 60, msg: 'x', count: 3, ok: false, nested: { a: 1 }, list: [1] })).toBe('fatal: x (count=3, ok=false)');
    expect(humanLine({ level: 40, msg: 'x', note: 'two words', empty: '' })).toBe('warning: x (note="two words", empty="")');
    expect(humanLine({ level: 30 })).toBe('info: (no message)');
    expect(humanLine({ level: 40, msg: 'x', long: 'y'.repeat(300) })).toBe(`warning: x (long=${'y'.repeat(200)}…)`);
  });
});
