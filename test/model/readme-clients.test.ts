/**
 * The README's "Clients" snippets, run exactly as written: each fenced block tagged ```js clients:<name> is
 * saved as an .mjs file inside the repository (so that its imports resolve from node_modules) and run by node
 * in a child process, with JAN_URL, JAN_KEY and JAN_MODEL set, against a server with the designed model. Each
 * asks once plainly and once streamed, and must print the designed reply twice.
 *
 * The server starts at the top level (not in beforeAll) so that the Ollama snippet can be skipped with
 * `it.skipIf` on a probe of GET /api/version while a build has no Ollama routes.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { DESIGNED_REPLY } from '../support/gguf/designed-model.js';
import { DESIGNED, startModelServer } from '../support/model-server.js';
import { TEST_ADMIN_KEY } from '../support/test-server.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLIENTS = ['openai', 'vercel-ai', 'langchain', 'ollama', 'anthropic'];

function snippetsOf(readme: string): Map<string, string> {
  const snippets = new Map<string, string>();
  for (const match of readme.matchAll(/^```js clients:([\w-]+)\n([\s\S]*?)^```$/gm)) {
    if (snippets.has(match[1]!)) throw new Error(`two README snippets are tagged clients:${match[1]}`);
    snippets.set(match[1]!, match[2]!);
  }
  return snippets;
}

const snippets = snippetsOf(readFileSync(join(ROOT, 'README.md'), 'utf8'));
const server = await startModelServer();
const dir = await mkdir(join(ROOT, '.tmp'), { recursive: true }).then(() => mkdtemp(join(ROOT, '.tmp', 'readme-clients-')));
const ollamaServed = (await fetch(`${server.url}/api/version`)).status === 200;
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** Runs one snippet as a program of its own and returns the lines it printed. */
async function runSnippet(name: string): Promise<string[]> {
  const file = join(dir, `${name}.mjs`);
  await writeFile(file, snippets.get(name)!);
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, JAN_URL: server.url, JAN_KEY: TEST_ADMIN_KEY, JAN_MODEL: DESIGNED };
  const { stdout } = await run(process.execPath, [file], { cwd: dir, env, timeout: 50_000 });
  return stdout.trimEnd().split('\n');
}

describe('README clients', () => {
  it('has one snippet per client', () => {
    expect([...snippets.keys()]).toEqual(CLIENTS);
  });

  for (const name of CLIENTS) {
    it.skipIf(name === 'ollama' && !ollamaServed)(`${name}: prints the reply, asked plainly and streamed`, async () => {
      expect(await runSnippet(name)).toEqual([DESIGNED_REPLY, DESIGNED_REPLY]);
    }, 60_000);
  }
});
