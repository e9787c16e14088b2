/**
 * The native inference library is loaded with the first model, never at start: the server must start fast
 * and run without any model. Checked in a child process (vitest workers may have loaded it already) through
 * the shared libraries mapped into it (/proc/<pid>/maps, Linux).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

const root = process.cwd();
const script = `
import { mkdtempSync, readFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from '${root}/node_modules/pino/pino.js';
import { loadConfig } from '${root}/server/config/load-config.js';
import { startServer } from '${root}/server/start-server.js';
import { writeDesignedModel } from '${root}/test/support/gguf/designed-model.js';
const dir = mkdtempSync(join(tmpdir(), 'jan-startup-'));
const mapped = () => readFileSync('/proc/self/maps', 'utf8').includes('libllama');
const config = loadConfig({ argv: [], env: {}, platform: { dataDir: dir, cwd: dir }, overrides: { port: 0, apiKey: 'startup-test-key-0123456789', threads: 1, gpu: 'off' } });
const started = performance.now();
const server = await startServer(config, { logger: pino({ level: 'silent' }) });
const startMs = performance.now() - started;
const headers = { authorization: 'Bearer startup-test-key-0123456789', 'content-type': 'application/json' };
const models = await (await fetch(server.url + '/v1/models', { headers })).json();
const before = mapped();
mkdirSync(join(dir, 'models'));
writeDesignedModel(join(dir, 'models', 'designed.gguf'));
const chat = await fetch(server.url + '/v1/chat/completions', { method: 'POST', headers, body: JSON.stringify({ model: 'designed', temperature: 0, messages: [{ role: 'user', content: 'Hi' }] }) });
const reply = (await chat.json()).choices[0].message.content;
console.log(JSON.stringify({ startMs, models, before, after: mapped(), reply }));
await server.close();
`;

describe.runIf(process.platform === 'linux')('startup', () => {
  it('starts without loading llama.cpp or needing a model, and loads it on first use', async () => {
    // A file, not \`-e\`: node-llama-cpp tests its binary in a child process started with this one's arguments.
    const dir = await mkdtemp(join(tmpdir(), 'jan-startup-script-'));
    const file = join(dir, 'start.mts');
    await writeFile(file, script);
    const { stdout } = await run(process.execPath, ['--import', 'tsx', file], { cwd: root, timeout: 120_000 }).finally(() => rm(dir, { recursive: true }));
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(result).toMatchObject({ models: { object: 'list', data: [] }, before: false, after: true, reply: 'Hey world' });
  }, 120_000);
});
