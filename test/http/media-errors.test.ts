/** Hostile and broken input: every case is a 4xx in the error envelope, and the server keeps serving. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/error-envelope.js';
import { circularPdf, encodeImage, encodeTiff, pageCountBombPdf, pixelBombPng, renderText, scannedPdf } from '../support/media-fixtures.js';
import { uploadFile } from '../support/media-fixtures-http.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const LIMIT = 64 * 1024;
const SUPPORTED = 'image/png, image/jpeg, image/webp, image/bmp, image/tiff, image/gif, application/pdf, text/plain';

describe('media error paths', () => {
  let server: TestServer;
  let token: string;
  const extract = (id: string, body: unknown = {}) => server.request(`/v1/media/files/${id}/extract-text`, { method: 'POST', token, body });
  const upload = async (data: Uint8Array, name = 'x') => {
    const res = await uploadFile(server, token, data, name);
    expect(res.status).toBe(200);
    return res.json.id as string;
  };

  beforeAll(async () => {
    server = await startTestServer({ mediaMaxUploadBytes: LIMIT, ocrWorkers: 1, ocrMaxPages: 10, ocrMaxRequestPixels: 3_000_000 });
    token = await server.guestToken();
  });
  afterAll(() => server.close());

  it('415 for a type we do not take, named from its bytes', async () => {
    const zip = Buffer.concat([Buffer.from('504b0304140000000800', 'hex'), Buffer.alloc(200, 1)]);
    expectError(await uploadFile(server, token, zip, 'innocent.png'), 415, {
      type: 'invalid_request_error', code: 'unsupported_media_type', param: 'file',
      message: `Files of type 'application/zip' are not supported. Supported: ${SUPPORTED}.`,
    });
    expectError(await uploadFile(server, token, Buffer.from([0, 159, 146, 150, 0, 1, 2, 3])), 415, {
      type: 'invalid_request_error', code: 'unsupported_media_type', param: 'file', message: `This file type is not supported. Supported: ${SUPPORTED}.`,
    });
  });

  it('413 past the upload limit, whether the body says its size up front or not', async () => {
    const tooLarge = { type: 'invalid_request_error', code: 'file_too_large', param: 'file', message: `The file is larger than the limit of ${LIMIT} bytes.` };
    expectError(await uploadFile(server, token, Buffer.alloc(LIMIT + 1, 'a')), 413, tooLarge); // found while streaming
    expectError(await uploadFile(server, token, Buffer.alloc(LIMIT * 4, 'a')), 413, tooLarge); // refused from Content-Length
    const dataUrl = `data:text/plain;base64,${Buffer.alloc(LIMIT + 10, 'a').toString('base64')}`;
    const jan = await server.request('/media/v1/media', { method: 'POST', token, body: { source: { type: 'data_url', data_url: dataUrl } } });
    expectError(jan, 413, { ...tooLarge, param: 'source.data_url' });
  });

  it('400 for an empty file, a body that is not multipart, and a multipart body without `file`', async () => {
    expectError(await uploadFile(server, token, new Uint8Array(0), 'empty.txt'), 400, {
      type: 'invalid_request_error', code: 'empty_file', param: 'file', message: 'The file is empty (0 bytes).',
    });
    expectError(await server.request('/v1/media/upload', { method: 'POST', token, body: { file: 'abc' } }), 400, {
      type: 'invalid_request_error', code: 'invalid_content_type', param: 'file', message: "Send the file as multipart/form-data with a part named 'file'.",
    });
    const form = new FormData();
    form.append('other', 'value');
    const res = await fetch(`${server.url}/v1/media/upload`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    expectError({ status: res.status, json: await res.json() }, 400, {
      type: 'invalid_request_error', code: 'missing_file', param: 'file', message: "The multipart body has no part named 'file'.",
    });
  });

  it('404 for an unknown id', async () => {
    const notFound = { type: 'not_found_error', code: 'file_not_found', param: 'file_id', message: "No file found with id 'jan_doesnotexist'." };
    expectError(await server.request('/v1/media/files/jan_doesnotexist', { token }), 404, notFound);
    expectError(await extract('jan_doesnotexist'), 404, notFound);
  });

  it('422 for a corrupt image and for a pixel bomb, without starting to decode the bomb', async () => {
    const png = encodeImage(renderText(['corrupt me']), 'png');
    const corrupt = await upload(Buffer.concat([png.subarray(0, 60), Buffer.alloc(500, 0x55)]), 'corrupt.png');
    expectError(await extract(corrupt), 422, { type: 'invalid_request_error', code: 'invalid_image', message: 'The image could not be read: it is corrupt or not an image.' });
    const garbage = await upload(Buffer.from('GIF89a\x01'), 'broken.gif'); // too short to hold a size
    expectError(await extract(garbage), 422, { type: 'invalid_request_error', code: 'invalid_image', message: 'The image could not be read: it is corrupt or truncated.' });
    const bomb = await upload(pixelBombPng(60_000, 60_000), 'bomb.png');
    expectError(await extract(bomb), 422, { type: 'invalid_request_error', code: 'image_too_large', message: 'The image has 3600000000 pixels; at most 40000000 are read.' });
  });

  it('422 for PDF bombs and broken PDFs', async () => {
    expectError(await extract(await upload(pageCountBombPdf(1000), 'bomb.pdf')), 422, {
      type: 'invalid_request_error', code: 'too_many_pages', message: 'The PDF has 1000000 pages; at most 10 are read.',
    });
    expectError(await extract(await upload(circularPdf(), 'loop.pdf')), 422, {
      type: 'invalid_request_error', code: 'invalid_pdf', message: 'The PDF could not be read: Pages tree contains circular reference.',
    });
    expectError(await extract(await upload(Buffer.from('%PDF-1.7\n1 0 obj garbage'), 'junk.pdf')), 422, {
      type: 'invalid_request_error', code: 'invalid_pdf', message: expect.stringMatching(/^The PDF could not be read: /) as unknown as string,
    });
  });

  it('422 for a PDF page too large to read even at 72 dpi, for a PDF over the pixel budget, and for a TIFF too large to scale down', async () => {
    const before = server.services.textExtraction.ocrLoad;
    const huge = scannedPdf([renderText(['huge'], { width: 1200, height: 1200 })], 6); // one 14,400 x 14,400 pt page
    expectError(await extract(await upload(huge, 'huge.pdf')), 422, {
      type: 'invalid_request_error', code: 'page_too_large',
      message: 'Page 1 is 14400 x 14400 pt: even at 72 dpi it would be 14400 x 14400 = 207360000 pixels, and at most 10000000 are read per page.',
    });
    const page = renderText(['scanned'], { width: 1240, height: 1754 });
    expectError(await extract(await upload(scannedPdf([page, page], 150), 'two.pdf')), 422, {
      type: 'invalid_request_error', code: 'too_many_pixels',
      message: 'The 2 pages without a text layer would be 4349920 pixels to read; at most 3000000 are read per request.',
    });
    expectError(await extract(await upload(encodeTiff(2000, 2000, new Uint8Array(64)), 'big.tiff')), 422, {
      type: 'invalid_request_error', code: 'image_too_large',
      message: 'The TIFF image has 4000000 pixels; at most 3000000 are read (convert it to PNG or JPEG to have it scaled down).',
    });
    expect(server.services.textExtraction.ocrLoad).toEqual(before); // refused before any OCR
  });

  it('400 for a language whose data is not installed, and for a malformed languages value', async () => {
    const id = await upload(Buffer.from('some text\n'), 'a.txt');
    expectError(await extract(id, { languages: ['eng', 'fra'] }), 400, {
      type: 'invalid_request_error', code: 'language_not_installed', param: 'languages',
      message: 'Language data not installed: fra. Installed: eng (add an @tesseract.js-data/<code> package to install more).',
    });
    expectError(await extract(id, { languages: '../../etc' }), 400, { type: 'invalid_request_error', code: 'invalid_value', param: 'languages[0]' });
  });

  it('is still up and serving after all of that', async () => {
    expect((await server.request('/healthz')).json).toEqual({ status: 'ok' });
    const id = await upload(Buffer.from('still works\n'), 'ok.txt');
    expect((await extract(id)).json).toMatchObject({ text: 'still works\n', pages: [{ page: 1, source: 'text-layer', confidence: 1 }] });
  });
});
