/**
 * `POST /v1/models/import`: adds a GGUF file to the models folder, from a local path (hard-linked when the
 * file system allows, else copied) or from an http(s) URL (streamed to disk).
 *
 * Downloads go to `<models>/.partial/<id>.gguf.part` (never listed) and are resumed with an HTTP Range
 * request when the same import is tried again; the optional SHA-256 is checked over the whole file before
 * the file is moved into place. In `public` host mode every address a host name resolves to must be public,
 * checked inside the socket's own lookup (no DNS-rebinding gap), for each redirect too.
 */
import { createHash } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, link, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { basename, isAbsolute, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { AppError, badRequest } from '../errors/app-error.js';
import { isPublicAddress } from '../media/index.js';
import { MODEL_ID, type ModelCatalog } from './model-catalog.js';

export type ImportHosts = 'public' | 'any' | 'off';

export interface ImportRequest {
  url?: string | undefined;
  path?: string | undefined;
  /** The new model's id; default: the file name without `.gguf`. */
  id?: string | undefined;
  /** Expected SHA-256 of the file, hex. */
  sha256?: string | undefined;
}

export interface ImportProgress {
  receivedBytes: number;
  totalBytes: number | null;
}

const MAX_REDIRECTS = 5;
const PROGRESS_STEP = 1 << 20;

const importError = (status: number, message: string, code: string) =>
  new AppError(status, status === 409 ? 'conflict_error' : 'invalid_request_error', message, { code, param: code === 'model_exists' ? 'id' : null });

const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...(options as LookupOptions), all: true }, (error, addresses) => {
    const list = addresses as unknown as LookupAddress[];
    if (error) return callback(error, '', 4);
    const bad = list.find((entry) => !isPublicAddress(entry.address));
    if (bad || list.length === 0) {
      return callback(importError(400, `Refusing to download from ${hostname}: not a public address.`, 'import_host_blocked') as never, '', 4);
    }
    if ((options as LookupOptions).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
    callback(null, list[0]!.address, list[0]!.family);
  });
};

export class ModelImporter {
  private readonly active = new Set<string>();

  constructor(
    private readonly catalog: ModelCatalog,
    private readonly hosts: ImportHosts,
  ) {}

  private get modelsDir(): string {
    return this.catalog.modelsDir;
  }

  /**
   * Checks the request (400/409 before anything starts) and reserves the id; `run` does the work. A begun
   * import must be run (it releases the id when it ends).
   */
  async begin(request: ImportRequest): Promise<{ id: string; run(signal: AbortSignal, onProgress?: (p: ImportProgress) => void): Promise<string> }> {
    if ((request.url === undefined) === (request.path === undefined)) throw badRequest('Give exactly one of `url` and `path`.', 'url');
    const id = request.id ?? this.defaultId(request);
    if (!MODEL_ID.test(id)) throw badRequest(`'${id}' is not a valid model id (letters, digits, '.', '_', '+', '-').`, 'id');
    if (request.sha256 !== undefined && !/^[a-f0-9]{64}$/i.test(request.sha256)) throw badRequest('sha256 must be 64 hex digits.', 'sha256');
    if (this.hosts === 'off' && request.url !== undefined) {
      throw importError(400, 'Importing from URLs is switched off on this server (JAN_MODEL_IMPORT_HOSTS=off).', 'import_disabled');
    }
    if (await this.catalog.find(id)) throw importError(409, `A model with id '${id}' is already installed.`, 'model_exists');
    if (this.active.has(id)) throw importError(409, `Model '${id}' is being imported already.`, 'import_in_progress');
    this.active.add(id);
    const run = async (signal: AbortSignal, onProgress?: (p: ImportProgress) => void) => {
      try {
        await mkdir(this.modelsDir, { recursive: true });
        const target = join(this.modelsDir, `${id}.gguf`);
        if (request.path !== undefined) await this.fromPath(request.path, target, request.sha256);
        else await this.fromUrl(request.url!, id, target, request.sha256, signal, onProgress);
        return id;
      } finally {
        this.active.delete(id);
      }
    };
    return { id, run };
  }

  private defaultId(request: ImportRequest): string {
    let name: string;
    try {
      name = request.path !== undefined ? basename(request.path) : decodeURIComponent(basename(new URL(request.url!).pathname));
    } catch {
      throw badRequest(`Not a URL: ${request.url}`, 'url');
    }
    return name.replace(/\.gguf$/i, '');
  }

  private async fromPath(path: string, target: string, sha256: string | undefined): Promise<void> {
    if (!isAbsolute(path)) throw badRequest('path must be absolute.', 'path');
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) throw badRequest(`No file at ${path}.`, 'path');
    await checkMagic(path);
    if (sha256 !== undefined) await checkSha256(await hashFile(path), sha256, () => Promise.resolve());
    // A hard link costs no space or time; across file systems, copy.
    await link(path, target).catch(() => copyFile(path, target));
  }

  private async fromUrl(rawUrl: string, id: string, target: string, sha256: string | undefined, signal: AbortSignal, onProgress?: (p: ImportProgress) => void) {
    const partialDir = join(this.modelsDir, '.partial');
    await mkdir(partialDir, { recursive: true });
    const partial = join(partialDir, `${id}.gguf.part`);
    const have = (await stat(partial).catch(() => undefined))?.size ?? 0;
    const response = await this.get(rawUrl, have, signal);
    const resumed = response.statusCode === 206 && have > 0;
    const offset = resumed ? have : 0;
    const length = Number(response.headers['content-length']);
    const total = Number.isFinite(length) ? offset + length : null;
    const hash = createHash('sha256');
    if (resumed) for await (const chunk of createReadStream(partial)) hash.update(chunk as Buffer);
    let received = offset;
    let reported = offset;
    onProgress?.({ receivedBytes: received, totalBytes: total });
    response.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      received += chunk.length;
      if (received - reported >= PROGRESS_STEP) {
        reported = received;
        onProgress?.({ receivedBytes: received, totalBytes: total });
      }
    });
    try {
      await pipeline(response, createWriteStream(partial, { flags: resumed ? 'a' : 'w' }), { signal });
    } catch (error) {
      if (signal.aborted) throw error;
      throw importError(502, `The download stopped at ${received} bytes (${(error as Error).message}); import again to resume.`, 'import_incomplete');
    }
    onProgress?.({ receivedBytes: received, totalBytes: total });
    if (total !== null && received !== total) throw importError(502, `The download ended early (${received} of ${total} bytes); retry to resume.`, 'import_incomplete');
    const remove = () => unlink(partial).catch(() => undefined);
    if (sha256 !== undefined) await checkSha256(hash.digest('hex'), sha256, remove);
    await checkMagic(partial).catch(async (error) => {
      await remove();
      throw error;
    });
    await rename(partial, target);
  }

  /** GET with redirects; asks for the bytes after `from` when there are some already. */
  private async get(rawUrl: string, from: number, signal: AbortSignal, hops = 0): Promise<IncomingMessage> {
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      throw badRequest(`Not a URL: ${rawUrl}`, 'url');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badRequest('Only http and https URLs can be imported.', 'url');
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (this.hosts === 'public' && isIP(host) !== 0 && !isPublicAddress(host)) {
      throw importError(400, `Refusing to download from ${host}: not a public address.`, 'import_host_blocked');
    }
    const get = url.protocol === 'https:' ? httpsGet : httpGet;
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const headers = { 'user-agent': 'jan-server-desktop', ...(from > 0 && { range: `bytes=${from}-` }) };
      const req = get(url, { signal, headers, ...(this.hosts === 'public' && { lookup: publicOnlyLookup }) });
      req.once('response', resolve);
      req.once('error', (error) => reject(error instanceof AppError ? error : importError(502, `Could not download ${url.href}: ${error.message}`, 'import_failed')));
    });
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400 && response.headers.location) {
      response.resume();
      if (hops >= MAX_REDIRECTS) throw importError(502, 'Too many redirects.', 'import_failed');
      return this.get(new URL(response.headers.location, url).href, from, signal, hops + 1);
    }
    if (status === 416 && from > 0) {
      response.resume(); // the partial file is no prefix of this one (or already whole): start over
      return this.get(rawUrl, 0, signal, hops);
    }
    if (status !== 200 && status !== 206) {
      response.resume();
      throw importError(502, `Downloading ${url.href} failed with HTTP ${status}.`, 'import_failed');
    }
    return response;
  }
}

async function checkMagic(path: string): Promise<void> {
  const file = await open(path, 'r');
  try {
    const magic = Buffer.alloc(4);
    await file.read(magic, 0, 4, 0);
    if (magic.toString('latin1') !== 'GGUF') throw importError(422, 'The file is not a GGUF model.', 'invalid_model_file');
  } finally {
    await file.close();
  }
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function checkSha256(actual: string, expected: string, onMismatch: () => Promise<unknown>): Promise<void> {
  if (actual === expected.toLowerCase()) return;
  await onMismatch();
  throw importError(422, `SHA-256 mismatch: expected ${expected.toLowerCase()}, got ${actual}.`, 'checksum_mismatch');
}
