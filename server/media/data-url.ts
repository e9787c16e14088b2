import { MediaBadRequestError, MediaTooLargeError } from './media-errors.js';

/**
 * Decodes `data:[<type>][;params];base64,<data>` (the form Jan's media API takes). The payload is in memory
 * already (it came in a JSON body); its decoded size is checked from the base64 length before decoding.
 */
export function decodeDataUrl(value: string, maxBytes: number): Buffer {
  const comma = value.indexOf(',');
  if (!value.startsWith('data:') || comma === -1) {
    throw new MediaBadRequestError("'source.data_url' is not a data URL (data:<type>;base64,<data>).", 'source.data_url', 'invalid_data_url');
  }
  const header = value.slice(5, comma);
  if (!header.split(';').includes('base64')) {
    throw new MediaBadRequestError("'source.data_url' must be base64 encoded (data:<type>;base64,<data>).", 'source.data_url', 'invalid_data_url');
  }
  const payload = value.slice(comma + 1).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(payload)) {
    throw new MediaBadRequestError("'source.data_url' has characters that are not base64.", 'source.data_url', 'invalid_data_url');
  }
  if (Math.floor((payload.length * 3) / 4) - 2 > maxBytes) throw new MediaTooLargeError(maxBytes);
  return Buffer.from(payload, payload.includes('-') || payload.includes('_') ? 'base64url' : 'base64');
}
