import { describe, expect, it } from 'vitest';
import { decodeDataUrl } from '../../server/media/data-url.js';
import { MediaBadRequestError, MediaTooLargeError } from '../../server/media/media-errors.js';
import { isPublicAddress } from '../../server/net/index.js';
import { looksLikeText, sniffType } from '../../server/media/sniff-type.js';
import { newMediaId } from '../../server/store/media-ids.js';
import { encodeImage, renderText, textPdf, type ImageFormat } from '../support/media-fixtures.js';

describe('sniffType', () => {
  const canvas = renderText(['abc'], { width: 60, height: 30, fontSize: 12, margin: 2 });
  const expected: Record<ImageFormat, string> = {
    png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp', bmp: 'image/bmp', tiff: 'image/tiff', gif: 'image/gif',
  };

  for (const [format, mime] of Object.entries(expected) as [ImageFormat, string][]) {
    it(`recognises ${format} from its bytes`, async () => {
      const { type } = await sniffType(encodeImage(canvas, format), true);
      expect(type).toMatchObject({ mime, kind: 'image' });
    });
  }

  it('recognises a PDF and UTF-8 text', async () => {
    expect((await sniffType(textPdf([['hello']]), true)).type).toMatchObject({ mime: 'application/pdf', kind: 'pdf' });
    expect((await sniffType(Buffer.from('Grüße, 世界\nline two'), true)).type).toMatchObject({ mime: 'text/plain', kind: 'text' });
  });

  it('refuses other formats but says what they are', async () => {
    const zip = Buffer.from('504b0304140000000800', 'hex');
    expect(await sniffType(Buffer.concat([zip, Buffer.alloc(100)]), true)).toEqual({ type: undefined, detected: 'application/zip' });
    expect(await sniffType(Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe, 0x00]), true)).toEqual({ type: undefined, detected: undefined });
  });

  it('treats a multi-byte character cut off at the end of a sample as text, but not at the end of a file', () => {
    const cut = Buffer.from('ab€').subarray(0, 4); // '€' is 3 bytes; keep 2 of them
    expect(looksLikeText(cut, false)).toBe(true);
    expect(looksLikeText(cut, true)).toBe(false);
  });
});

describe('decodeDataUrl', () => {
  it('decodes base64 data URLs', () => {
    expect(decodeDataUrl('data:text/plain;base64,aGVsbG8=', 100).toString()).toBe('hello');
    expect(decodeDataUrl('data:;base64,aGVs\nbG8=', 100).toString()).toBe('hello');
  });

  it('rejects non-base64 and malformed URLs with the field named', () => {
    expect(() => decodeDataUrl('data:text/plain,hello', 100)).toThrow(MediaBadRequestError);
    expect(() => decodeDataUrl('http://example.com/x.png', 100)).toThrow(/not a data URL/);
    expect(() => decodeDataUrl('data:image/png;base64,@@@', 100)).toThrow(/not base64/);
  });

  it('refuses a payload over the limit before decoding it', () => {
    expect(() => decodeDataUrl(`data:;base64,${'A'.repeat(4000)}`, 1000)).toThrow(MediaTooLargeError);
  });
});

describe('newMediaId', () => {
  it("makes Jan's jan_ ids: a lowercase ULID", () => {
    const id = newMediaId(Date.UTC(2025, 0, 1));
    expect(id).toMatch(/^jan_[0-9a-hjkmnp-tv-z]{26}$/);
    expect(newMediaId()).not.toBe(newMediaId());
    expect(newMediaId(1000).slice(0, 14) < newMediaId(2000).slice(0, 14)).toBe(true);
  });
});

describe('isPublicAddress', () => {
  it('accepts public addresses and refuses loopback, private, link-local and mapped private ones', () => {
    expect(['8.8.8.8', '1.1.1.1', '2606:4700::1111'].map(isPublicAddress)).toEqual([true, true, true]);
    const refused = ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '0.0.0.0', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', 'localhost'];
    expect(refused.filter(isPublicAddress)).toEqual([]);
  });
});
