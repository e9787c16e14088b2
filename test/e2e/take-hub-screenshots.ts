/**
 * Screenshots of the Hub page, for looking at: `npx tsx test/e2e/take-hub-screenshots.ts [outDir]` (default
 * build/screenshots/). A real server searches the stand-in Hugging Face Hub (test/support/hf-hub-standin.ts),
 * which serves the recommended repositories with figures and a small model in three quantizations; at 1280×800
 * in light and dark: the recommended list, a search, and a repository with its fit verdicts while one of its
 * quantizations is downloading (the stand-in holds that download part-way, so the bar stands still).
 *
 * The files are megabytes, not gigabytes, so the free memory is set (on the server's machine probe, the seam
 * its tests use) between what the quantizations need: one fits, one is tight, one won't fit.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { rendererIsStale } from '../../build/scripts/build-state.mjs';
import { buildRenderer } from '../../build/scripts/build.mjs';
import { writeDesignedModel } from '../support/gguf/designed-model.js';
import { HubStandin } from '../support/hf-hub-standin.js';
import { startTestServer, TEST_ADMIN_KEY } from '../support/test-server.js';
import { launchChromium } from './support/browser.js';
import { goTo, openDashboard } from './support/dashboard.js';

const outDir = process.argv[2] ?? 'build/screenshots';
const [WIDTH, HEIGHT] = [1280, 800];
const MB = 1024 ** 2;
const REPO = 'acme/TinyChat-1B-Instruct-GGUF';

async function shoot(page: Page, name: string, theme: string): Promise<void> {
  await page.mouse.move(100, 420); // an empty spot of the sidebar: no hover highlight in the shot
  await page.waitForTimeout(1200);
  const file = join(outDir, `hub-${name}-${WIDTH}x${HEIGHT}-${theme}.png`);
  writeFileSync(file, await page.screenshot());
  console.log(file);
}

/** A valid GGUF (the designed model) padded with zeros to `size`: the header is read remotely, the rest is size. */
function model(size: number): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'jan-hub-shots-'));
  try {
    writeDesignedModel(join(dir, 'm.gguf'));
    const bytes = readFileSync(join(dir, 'm.gguf'));
    return Buffer.concat([bytes, Buffer.alloc(Math.max(0, size - bytes.length))]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const standin = new HubStandin();
const small = model(1 * MB);
const figures: [string, number, number, string][] = [
  ['Qwen/Qwen2.5-0.5B-Instruct-GGUF', 412_000, 310, '2025-09-18'], ['Qwen/Qwen2.5-1.5B-Instruct-GGUF', 268_000, 402, '2025-09-18'],
  ['bartowski/Llama-3.2-1B-Instruct-GGUF', 198_000, 150, '2025-06-02'], ['bartowski/Llama-3.2-3B-Instruct-GGUF', 356_000, 171, '2025-06-02'],
  ['bartowski/gemma-2-2b-it-GGUF', 74_300, 64, '2025-03-11'], ['microsoft/Phi-3-mini-4k-instruct-gguf', 91_200, 518, '2024-07-01'],
  ['Qwen/Qwen2.5-7B-Instruct-GGUF', 151_000, 288, '2025-09-18'], ['bartowski/Meta-Llama-3.1-8B-Instruct-GGUF', 483_000, 267, '2025-05-20'],
  ['Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF', 58_900, 66, '2025-09-20'], ['Qwen/Qwen2.5-Coder-7B-Instruct-GGUF', 121_000, 140, '2025-09-20'],
  ['nomic-ai/nomic-embed-text-v1.5-GGUF', 236_000, 93, '2024-12-04'], ['second-state/All-MiniLM-L6-v2-Embedding-GGUF', 40_100, 12, '2024-05-30'],
  ['Qwen/Qwen3-4B-GGUF', 88_400, 120, '2025-10-01'], ['unsloth/Qwen3-8B-GGUF', 64_000, 97, '2025-10-04'], ['lmstudio-community/Qwen2.5-14B-Instruct-GGUF', 12_600, 21, '2025-02-14'],
];
/** Each family's licence as its repositories state it. */
const licence = (id: string) =>
  id.includes('Llama-3.1') ? 'llama3.1' : id.includes('Llama-3.2') ? 'llama3.2' : id.includes('gemma') ? 'gemma' : id.includes('Phi-3') ? 'mit' : 'apache-2.0';
for (const [id, downloads, likes, day] of figures) {
  standin.addRepo({ id, downloads, likes, lastModified: `${day}T12:00:00.000Z`, license: licence(id), files: [{ path: `${id.split('/')[1]!.toLowerCase()}-q4_k_m.gguf`, bytes: small }] });
}
const q4 = 'tinychat-1b-instruct-Q4_K_M.gguf';
standin.addRepo({
  id: REPO, downloads: 23_400, likes: 58, lastModified: '2025-11-02T09:00:00.000Z', license: 'apache-2.0',
  files: [{ path: q4, bytes: model(12 * MB) }, { path: 'tinychat-1b-instruct-Q8_0.gguf', bytes: model(40 * MB) }, { path: 'tinychat-1b-instruct-F16.gguf', bytes: model(150 * MB) }],
});

if (rendererIsStale()) buildRenderer();
mkdirSync(outDir, { recursive: true });
await standin.start();
const server = await startTestServer({ hfEndpoint: standin.hubUrl, hubAllow: ['127.0.0.1'], contextSize: 1024, parallel: 1, hubTimeoutMs: 600_000 });
const browser = await launchChromium();
const problems: string[] = [];
try {
  // Free memory between what the quantizations need: Q4_K_M fits (≤ 70 %), Q8_0 is tight, F16 won't fit.
  const repo = await server.request(`/v1/hub/models/${REPO}`, { token: TEST_ADMIN_KEY });
  if (repo.status !== 200) throw new Error(`the repository view failed: ${repo.text}`);
  const [n1, n2, n3] = (repo.json.quantizations as { fit: { ram_needed_bytes: number } }[]).map((q) => q.fit.ram_needed_bytes).sort((a, b) => a - b);
  const free = Math.round((n1! / 0.7 + Math.min(n2! / 0.7, n3!)) / 2);
  if (!(n1! <= 0.7 * free && n2! > 0.7 * free && n2! <= free && n3! > free)) throw new Error(`no free-memory figure gives three verdicts for ${[n1, n2, n3].join(', ')}`);
  server.services.hub.machine.freeRamBytes = () => free;

  for (const theme of ['light', 'dark'] as const) {
    const open = await openDashboard(browser, server, { width: WIDTH, height: HEIGHT, theme });
    await goTo(open.page, 'hub', 'Hub');
    await open.page.getByRole('list', { name: 'Embeddings' }).waitFor();
    await shoot(open.page, 'recommended', theme);
    await open.page.getByLabel('Search GGUF models on Hugging Face').fill('qwen');
    await open.page.getByRole('table', { name: 'Results for qwen' }).waitFor();
    await shoot(open.page, 'search', theme);
    problems.push(...open.problems);
    await open.context.close();
  }

  // A download held at 45 %: the repository view shows its bar, and its row says why it cannot start again.
  const hold = standin.holdAt(q4, Math.floor(12 * MB * 0.45));
  const pull = await server.request('/v1/models/pull', { method: 'POST', token: TEST_ADMIN_KEY, body: { model: `hf.co/${REPO}:Q4_K_M` } });
  if (pull.status !== 202) throw new Error(`the pull did not start: ${pull.text}`);
  await hold.reached;
  for (const theme of ['light', 'dark'] as const) {
    const open = await openDashboard(browser, server, { width: WIDTH, height: HEIGHT, theme });
    await open.page.evaluate(`window.location.hash = ${JSON.stringify(`#/hub/${REPO}`)}`);
    await open.page.getByRole('table', { name: 'Quantizations' }).waitFor();
    await open.page.getByRole('progressbar').waitFor();
    await shoot(open.page, 'repository', theme);
    await goTo(open.page, 'models', 'Models');
    await open.page.getByRole('progressbar').waitFor();
    await shoot(open.page, 'models-pull', theme);
    problems.push(...open.problems);
    await open.context.close();
  }
  hold.release();
} finally {
  await browser.close();
  await server.close();
  await standin.close();
}
if (problems.length > 0) console.error('page problems:', problems);
