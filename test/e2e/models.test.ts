/**
 * The Models page in Chromium: import a GGUF from a URL with a live progress bar (served slowly by a local
 * HTTP server), load and unload it, delete it; and the empty state a new user sees.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeRandomModel } from '../support/gguf/random-model.js';
import { startTestServer } from '../support/test-server.js';
import { hasChromium, SKIP_REASON } from './support/browser.js';
import { goTo, openDashboard } from './support/dashboard.js';
import { useServerAndBrowser } from './support/server-and-browser.js';

if (!hasChromium) console.warn(SKIP_REASON);

/** Serves `bytes` in 64 KB pieces, 20 ms apart, so an import takes a couple of seconds and reports progress. */
function slowFileServer(bytes: Buffer): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length });
    let offset = 0;
    const timer = setInterval(() => {
      res.write(bytes.subarray(offset, (offset += 64 * 1024)));
      if (offset >= bytes.length) {
        clearInterval(timer);
        res.end();
      }
    }, 20);
    res.on('close', () => clearInterval(timer));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

describe.skipIf(!hasChromium)('models page (Chromium)', () => {
  const env = useServerAndBrowser(() => startTestServer({ modelImportHosts: 'any', threads: 1, gpu: 'off', contextSize: 1024 }));
  let files: { url: string; server: Server };
  // Registered after the fixture's hooks: runs after it starts, and its afterAll runs before the fixture's.
  beforeAll(async () => {
    const model = join(env.server.dataDir, 'source.gguf');
    // About 4 MB: the server reports progress every MiB.
    writeRandomModel(model, { params: 2e6, vocabSize: 2000, contextLength: 1024 });
    files = await slowFileServer(readFileSync(model));
  });
  afterAll(() => {
    files?.server.close();
  });

  it('tells a new user how to add a model, imports one from a URL with progress, loads, unloads and deletes it', async () => {
    const { page, context, problems } = await openDashboard(env.browser, env.server);
    await goTo(page, 'models', 'Models');
    await page.getByText('No model yet').waitFor();

    await page.getByLabel("Path on the server's machine, or an http(s) URL").fill(`${files.url}/tiny-random.gguf`);
    await page.getByRole('button', { name: 'Import' }).click();
    const bar = page.getByRole('progressbar', { name: 'Import progress' });
    await bar.waitFor();
    // The bar moves: some value strictly between 0 and 100 is shown while the download runs.
    let midway = false;
    while (!midway && (await bar.count()) > 0) {
      const now = Number(await bar.getAttribute('aria-valuenow').catch(() => '0'));
      midway = now > 0 && now < 100;
    }
    expect(midway).toBe(true);
    await page.getByText('Imported tiny-random.').waitFor();

    const row = page.getByRole('table', { name: 'Installed models' }).getByRole('row').filter({ hasText: 'tiny-random' });
    expect(await row.locator('td').allTextContents()).toEqual(expect.arrayContaining(['tiny-random', 'unloaded', 'llama', 'F16']));
    await page.getByRole('button', { name: 'Load tiny-random' }).click();
    await row.getByText('loaded', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Unload tiny-random' }).click();
    await row.getByText('unloaded', { exact: true }).waitFor();

    await page.getByRole('button', { name: 'Delete tiny-random' }).click();
    await page.getByRole('button', { name: 'Delete file' }).click();
    await page.getByText('No model yet').waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });
});
