/**
 * Jan Server's media API (`/media/v1/media`) as an adapter over the media files: data-URL and remote-URL
 * ingest with `deduped`, presigned download and upload URLs that this server serves itself, and `resolve`,
 * which swaps `data:<type>;jan_<id>` placeholders in a JSON payload for signed URLs.
 */
import type { Readable } from 'node:stream';
import type { z } from 'zod';
import type { JanIngestBody, JanPrepareUploadBody } from '../api/media-jan.js';
import { AppError, badRequest, forbidden, notFound } from '../errors/app-error.js';
import { supportedType } from './sniff-type.js';
import { nowSeconds } from '../store/ids.js';
import { newMediaId } from '../store/media-ids.js';
import type { Store } from '../store/store.js';
import { unsupportedType } from './media-errors.js';
import type { IngestResult, MediaContent, MediaService, RangeChooser } from './media-service.js';
import type { MediaSigner, SignedParams } from './media-signer.js';

/** Where signed URLs point: GET downloads, PUT fills a prepared upload. Public; the signature is the access. */
export const SIGNED_PATH = '/v1/media/signed';

const PLACEHOLDER = /^data:([\w.+-]+\/[\w.+-]+);(jan_[0-9a-z]+)$/;
const MAX_DEPTH = 64;
const MIME_ALIASES: Record<string, string> = { 'image/jpg': 'image/jpeg', 'image/tif': 'image/tiff', 'image/x-ms-bmp': 'image/bmp' };

export class JanMediaService {
  constructor(
    private readonly media: MediaService,
    private readonly signer: MediaSigner,
    private readonly store: Store,
  ) {}

  async ingest(userId: string, body: JanIngestBody, baseUrl: string, signal?: AbortSignal) {
    const kind = body.source.type.toLowerCase();
    let result: IngestResult;
    if (kind === 'data_url' || kind === 'dataurl' || kind === 'datauri') {
      if (!body.source.data_url) throw badRequest("'source.data_url' is required for a data_url source.", 'source.data_url', 'missing_value');
      result = await this.media.ingestDataUrl(userId, body.source.data_url, body.filename);
    } else if (kind === 'remote_url' || kind === 'remote' || kind === 'remoteuri') {
      if (!body.source.url) throw badRequest("'source.url' is required for a remote_url source.", 'source.url', 'missing_value');
      result = await this.media.ingestRemoteUrl(userId, body.source.url, body.filename, signal);
    } else {
      throw badRequest(`unknown source type '${body.source.type}'; use 'data_url' or 'remote_url'.`, 'source.type', 'unknown_source_type');
    }
    return this.ingestResult(result, baseUrl);
  }

  async prepareUpload(userId: string, body: z.infer<typeof JanPrepareUploadBody>, baseUrl: string) {
    const requested = body.mime_type.toLowerCase().split(';')[0]!.trim();
    const type = supportedType(MIME_ALIASES[requested] ?? requested);
    if (!type) throw unsupportedType(requested, 'mime_type');
    const now = nowSeconds();
    await this.store.mediaUploadSlots.deleteExpired(now);
    const id = newMediaId();
    const signed = await this.signer.sign('put', id, now);
    await this.store.mediaUploadSlots.insert({ id, user_id: userId, mime_type: type.mime, expires_at: signed.expires });
    return { id, upload_url: `${baseUrl}${SIGNED_PATH}/${id}?${this.signer.query(signed)}`, mime_type: type.mime, expires_in: this.signer.ttlSeconds };
  }

  /** The presigned PUT: the body becomes the reserved id's file, owned by whoever prepared it. */
  async completeUpload(id: string, params: SignedParams, body: Readable, baseUrl: string) {
    if (!(await this.signer.verify('put', id, params))) throw invalidSignature();
    const slot = await this.store.mediaUploadSlots.take(id, nowSeconds());
    if (!slot) {
      if (await this.store.mediaFiles.getAnyOwner(id)) {
        throw new AppError(409, 'conflict_error', `Media '${id}' has been uploaded already.`, { code: 'already_uploaded' });
      }
      throw notFound('upload', id, 'id');
    }
    let result: IngestResult;
    try {
      result = await this.media.ingestStream(slot.user_id, body, { id, source: 'presigned', expectMime: slot.mime_type });
    } catch (error) {
      await this.store.mediaUploadSlots.restore(slot); // the client may try again until the URL expires
      throw error;
    }
    return this.ingestResult(result, baseUrl);
  }

  async presign(userId: string, id: string, baseUrl: string) {
    await this.media.get(userId, id);
    return { id, url: await this.signedUrl(id, baseUrl), expires_in: this.signer.ttlSeconds };
  }

  async openSigned(id: string, params: SignedParams, rangeFor?: RangeChooser): Promise<MediaContent> {
    if (!(await this.signer.verify('get', id, params))) throw invalidSignature();
    return this.media.openAnyOwner(id, rangeFor);
  }

  /**
   * Replaces every string `data:<type>;jan_<id>` naming one of your files with a signed URL. Two passes: the
   * first finds the placeholders (and refuses a payload nested too deep), each id is checked and signed once,
   * in the order met (the first unknown one is the 404), and the second builds the payload with the URLs.
   */
  async resolve(userId: string, payload: Record<string, unknown>, baseUrl: string): Promise<{ payload: Record<string, unknown> }> {
    const ids = new Set<string>();
    const find = (value: unknown, depth: number): void => {
      if (depth > MAX_DEPTH) throw badRequest(`The payload is nested deeper than ${MAX_DEPTH} levels.`, 'payload');
      if (typeof value === 'string') {
        const id = PLACEHOLDER.exec(value)?.[2];
        if (id) ids.add(id);
      } else if (value !== null && typeof value === 'object') {
        for (const item of Array.isArray(value) ? value : Object.values(value)) find(item, depth + 1);
      }
    };
    find(payload, 0);
    const urls = new Map<string, string>();
    for (const id of ids) {
      await this.media.get(userId, id);
      urls.set(id, await this.signedUrl(id, baseUrl));
    }
    const build = (value: unknown): unknown => {
      if (typeof value === 'string') {
        const id = PLACEHOLDER.exec(value)?.[2];
        return id ? urls.get(id)! : value;
      }
      if (Array.isArray(value)) return value.map(build);
      if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, build(item)]));
      return value;
    };
    return { payload: build(payload) as Record<string, unknown> };
  }

  async signedUrl(id: string, baseUrl: string): Promise<string> {
    return `${baseUrl}${SIGNED_PATH}/${id}?${this.signer.query(await this.signer.sign('get', id))}`;
  }

  private async ingestResult({ file, deduped }: IngestResult, baseUrl: string) {
    return { id: file.id, mime: file.mime_type, bytes: file.bytes, deduped, presigned_url: await this.signedUrl(file.id, baseUrl) };
  }
}

const invalidSignature = () => forbidden('The signature is invalid or the URL has expired.', 'invalid_signature');
