/** Text extraction over HTTP with the real OCR pool (one worker) and the real PDF reader. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderText, encodeImage, scannedPdf, textPdf } from '../support/media-fixtures.js';
import { uploadFile } from '../support/media-fixtures-http.js';
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

  beforeAll(async () => {
    server = await startTestServer({ ocrWorkers: 1 });
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
});
