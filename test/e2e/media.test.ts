/** The Media page in Chromium: a resumable (tus) upload with progress, then text extraction shown on the page. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { textPdf } from '../support/media-fixtures.js';
import { TEST_ADMIN_KEY } from '../support/test-server.js';
import { hasChromium, SKIP_REASON } from './support/browser.js';
import { goTo, openDashboard } from './support/dashboard.js';
import { useServerAndBrowser } from './support/server-and-browser.js';

if (!hasChromium) console.warn(SKIP_REASON);

describe.skipIf(!hasChromium)('media page (Chromium)', () => {
  const env = useServerAndBrowser();

  it('uploads a PDF through tus, lists it, and shows its extracted text', async () => {
    const pdf = join(env.server.dataDir, 'invoice.pdf');
    // One page with a real text layer: extraction reads the layer (no OCR), so the test stays quick.
    writeFileSync(pdf, textPdf([['Invoice 2041', 'Total due: 317 EUR', 'Payable within 30 days']]));
    const { page, context, problems } = await openDashboard(env.browser, env.server);
    await goTo(page, 'media', 'Media');
    await page.getByText('No files yet').waitFor();

    const uploads: string[] = [];
    page.on('request', (r) => r.url().includes('/v1/media/uploads') && uploads.push(r.method()));
    await page.locator('input[type=file]').setInputFiles(pdf);
    const row = page.getByRole('table', { name: 'Files' }).getByRole('row').filter({ hasText: 'invoice.pdf' });
    await row.waitFor();
    expect(uploads.slice(0, 2)).toEqual(['POST', 'PATCH']); // created, then the bytes, per the tus protocol
    expect(await row.textContent()).toContain('application/pdf');

    await page.getByRole('button', { name: 'Extract text from invoice.pdf' }).click();
    const text = page.getByTestId('extracted-text');
    await text.waitFor({ timeout: 30_000 });
    expect((await text.textContent())!.replace(/\s+/g, ' ')).toContain('Invoice 2041 Total due: 317 EUR');
    expect(await page.getByTestId('extract-summary').textContent()).toMatch(/^1 page · confidence 100% · eng · \d+ ms · text-layer$/);

    const files = await env.server.request('/v1/media/files', { token: TEST_ADMIN_KEY });
    expect(files.json.data.map((f: { filename: string }) => f.filename)).toEqual(['invoice.pdf']);
    expect(problems).toEqual([]);
    await context.close();
  });
});
