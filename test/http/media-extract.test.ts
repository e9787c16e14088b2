/**
 * Text extraction over HTTP with the real OCR pool (one worker) and the real PDF reader: reading, the cache,
 * the per-page pixel cap (3 Mpx here, to keep OCR quick), and what a client going away stops.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { renderText, encodeImage, scannedPdf, textPdf } from '../support/media-fixtures.js';
import { bearer, uploadFile } from '../support/media-fixtures-http.js';
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

const words = (text: string) => text.toLowerCase().split(/\W+/).filter(Boolean);

describe('POST /v1/media/files/{id}/extract-text', () => {
  let server: TestServer;
  let token: string;
  const uploadAndExtract = async (data: Uint8Array, name: string, body: unknown = {}) => {
    const { id } = (await uploadFile(server, token, data, name)).json;
    return server.request(`/v1/media/files/${id}/extract-text`, { method: 'POST', token, body });
  };
  const ocrPages = async () => Object.fromEntries((await server.services.metrics.ocrPages.get()).values.map((v) => [v.labels.source, v.value]));

  /**
   * The larger files, made before the server starts: making one blocks this process for a while (seconds on a
   * loaded machine), and a keep-alive socket the server closes meanwhile would be reused unnoticed (ECONNRESET).
   */
  const files = {} as { strip: Buffer; largeJpeg: Buffer; abandoned: Buffer };

  beforeAll(async () => {
    const lines = Array.from({ length: 30 }, (_, i) => `Line ${i} of the abandoned report that takes a while to read`);
    files.abandoned = scannedPdf(Array.from({ length: 4 }, () => renderText(lines, { width: 1240, height: 1754, fontSize: 26, margin: 80 })), 150);
    // 14,400 x 200 pt: 12.5 Mpx at 150 dpi; within 3 Mpx at ~73 dpi.
    files.strip = scannedPdf([renderText(['Poster strip two hundred inches wide'], { width: 7200, height: 100, fontSize: 60 })], 36);
    const large = renderText(['Large photo of a notice', 'Closed on Sunday'], { width: 2400, height: 1500, fontSize: 110, margin: 120 }); // 3.6 Mpx
    files.largeJpeg = encodeImage(large, 'jpeg');
    server = await startTestServer({ ocrWorkers: 1, ocrMaxPagePixels: 3_000_000 });
    token = await server.guestToken();
  });
  afterAll(() => server.close());

  it('reads the known words of an image', async () => {
    const receipt = renderText(['CORNER SHOP', 'Bananas 1.20', 'Coffee 3.50', 'Total 4.70'], { width: 500, fontSize: 32 });
    const res = await uploadAndExtract(encodeImage(receipt, 'jpeg'), 'receipt.jpg', { languages: 'eng' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      file_id: expect.stringMatching(/^jan_/),
      text: expect.any(String),
      confidence: expect.any(Number),
      language: 'eng',
      pages: [{ page: 1, text: res.json.text, confidence: res.json.confidence, source: 'ocr' }],
      duration_ms: expect.any(Number),
      cached: false,
    });
    expect(words(res.json.text)).toEqual(['corner', 'shop', 'bananas', '1', '20', 'coffee', '3', '50', 'total', '4', '70']);
    expect(res.json.confidence).toBeGreaterThan(0.8);
  });

  it('uses the text layer of a PDF where there is one, without OCR', async () => {
    const before = await ocrPages();
    const res = await uploadAndExtract(textPdf([['Quarterly report for Zanzibar'], ['Revenue table on page two']]), 'report.pdf');
    expect(res.json).toMatchObject({
      text: 'Quarterly report for Zanzibar\n\nRevenue table on page two',
      confidence: 1,
      pages: [
        { page: 1, text: 'Quarterly report for Zanzibar', confidence: 1, source: 'text-layer' },
        { page: 2, text: 'Revenue table on page two', confidence: 1, source: 'text-layer' },
      ],
      cached: false,
    });
    const after = await ocrPages();
    expect([after['text-layer']! - (before['text-layer'] ?? 0), (after.ocr ?? 0) - (before.ocr ?? 0)]).toEqual([2, 0]);
  });

  it('OCRs the pages of a scanned PDF', async () => {
    const page = renderText(['Scanned letter from Oslo', 'Payment due in March'], { width: 1240, height: 600, fontSize: 42, margin: 80 });
    const res = await uploadAndExtract(scannedPdf([page], 150), 'scan.pdf');
    expect(res.status).toBe(200);
    expect(res.json.pages).toEqual([{ page: 1, text: expect.any(String), confidence: expect.any(Number), source: 'ocr' }]);
    expect(words(res.json.text)).toEqual(['scanned', 'letter', 'from', 'oslo', 'payment', 'due', 'in', 'march']);
  });

  it('answers a repeat from the cache, and shares one extraction between identical requests in flight', async () => {
    const image = encodeImage(renderText(['Cache me if you can']), 'png');
    const { id } = (await uploadFile(server, token, image, 'cache.png')).json;
    const before = (await ocrPages()).ocr ?? 0;
    const request = () => server.request(`/v1/media/files/${id}/extract-text`, { method: 'POST', token, body: {} });
    const [a, b] = await Promise.all([request(), request()]);
    expect(((await ocrPages()).ocr ?? 0) - before).toBe(1);
    expect(b.json.text).toBe(a.json.text);
    const again = await request();
    expect(again.json).toEqual({ ...a.json, duration_ms: expect.any(Number), cached: true });
    expect(again.json.duration_ms).toBeLessThan(a.json.duration_ms);

    const metrics = (await server.request('/metrics', { token: TEST_ADMIN_KEY })).text;
    expect(metrics).toMatch(/^jan_cache_lookups_total\{cache="ocr",result="hit"\} [1-9]/m);
    expect(metrics).toMatch(/^jan_cache_hit_ratio\{cache="ocr"\} 0\.\d+/m);
    expect(metrics).toMatch(/^jan_ocr_duration_seconds_count\{kind="image"\} [1-9]/m);
  });

  it('returns a text file as it is', async () => {
    const res = await uploadAndExtract(Buffer.from('Plain notes\nwith two lines\n'), 'notes.txt');
    expect(res.json).toMatchObject({ text: 'Plain notes\nwith two lines\n', confidence: 1, pages: [{ page: 1, source: 'text-layer', confidence: 1 }] });
  });
  it('OCRs a 14,400 pt wide page at the resolution that fits the page cap', async () => {
    const res = await uploadAndExtract(files.strip, 'strip.pdf');
    expect(res.status).toBe(200);
    expect(res.json.pages).toEqual([{ page: 1, text: expect.any(String), confidence: expect.any(Number), source: 'ocr' }]);
    expect(words(res.json.text)).toEqual(['poster', 'strip', 'two', 'hundred', 'inches', 'wide']);
  });

  it('scales an image over the page cap down before OCR, and reads a BMP through the canvas', async () => {
    const res = await uploadAndExtract(files.largeJpeg, 'large.jpg'); // 3.6 Mpx
    expect(res.status).toBe(200);
    expect(words(res.json.text)).toEqual(['large', 'photo', 'of', 'a', 'notice', 'closed', 'on', 'sunday']);
    const bmp = await uploadAndExtract(encodeImage(renderText(['Bitmap from an old scanner'], { width: 700 }), 'bmp'), 'old.bmp');
    expect(words(bmp.json.text)).toEqual(['bitmap', 'from', 'an', 'old', 'scanner']);
  });

  const startExtract = (id: string, signal: AbortSignal) => {
    const pending = fetch(`${server.url}/v1/media/files/${id}/extract-text`, {
      method: 'POST', headers: { ...bearer(token), 'content-type': 'application/json' }, body: '{}', signal,
    });
    pending.catch(() => undefined); // rejects when aborted; asserted where it matters
    return pending;
  };
  const load = () => server.services.textExtraction.ocrLoad;

  it('stops the work of a request whose client goes away: the OCR queue empties, no worker stays busy, the next extraction works', async () => {
    const { id } = (await uploadFile(server, token, files.abandoned, 'abandoned.pdf')).json;
    const before = await ocrPages();
    const client = new AbortController();
    const pending = startExtract(id, client.signal);
    await vi.waitFor(() => expect([load().busyWorkers, load().queueDepth > 0]).toEqual([1, true]), { timeout: 30_000 });
    client.abort();
    await expect(pending).rejects.toThrow();
    await vi.waitFor(() => expect(load()).toEqual({ queueDepth: 0, busyWorkers: 0, pdfJobs: 0 }), { timeout: 10_000 });
    expect(await ocrPages()).toEqual(before); // no page was finished after all (nor the extraction cached)
    const metrics = (await server.request('/metrics', { token: TEST_ADMIN_KEY })).text;
    expect(metrics).toMatch(/^jan_ocr_queue_depth 0$/m);
    const next = await uploadAndExtract(encodeImage(renderText(['Still reading after that']), 'png'), 'next.png');
    expect(next.status).toBe(200);
    expect(words(next.json.text)).toEqual(['still', 'reading', 'after', 'that']);
  }, 90_000); // timeouts for a loaded 2-core machine; unloaded it takes ~3 s

  it('keeps an extraction running while another identical request still waits for it', async () => {
    const page = renderText(['Shared letter from Bergen'], { width: 1240, height: 300, fontSize: 42, margin: 60 });
    const { id } = (await uploadFile(server, token, scannedPdf([page, page], 150), 'shared.pdf')).json;
    const leaving = new AbortController();
    const staying = server.request(`/v1/media/files/${id}/extract-text`, { method: 'POST', token, body: {} });
    const left = startExtract(id, leaving.signal);
    await vi.waitFor(() => expect(load().busyWorkers).toBe(1), { timeout: 30_000 });
    leaving.abort();
    await expect(left).rejects.toThrow();
    const res = await staying;
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ cached: false, pages: [{ source: 'ocr' }, { source: 'ocr' }] });
    expect(words(res.json.text)).toEqual(['shared', 'letter', 'from', 'bergen', 'shared', 'letter', 'from', 'bergen']);
  }, 60_000);
});
