/**
 * `POST /v1/models/import`: adds a GGUF file to the models folder, from a local path (hard-linked when the
 * file system allows, else copied) or from an http(s) URL (streamed to disk).
 *
 * Downloads go to `<models>/.partial/<id>.gguf.part` (never listed) and are resumed with an HTTP Range
 * request when the same import is tried again; the optional SHA-256 is checked over the whole file before
 * the file is moved into place. Downloads go through the guarded outbound fetcher (server/net): in `public`
 * host mode only public addresses, checked at connect time and for each redirect.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, link, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { basename, isAbsolute, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { AppError, badRequest } from '../errors/app-error.js';
import { isStorageFull } from '../errors/storage-errors.js';
import { FetchError, openUrl, type AddressPolicy, type FetchedResponse } from '../net/index.js';
import { MODEL_ID, type ModelCatalog } from './model-catalog.js';

export type ImportHosts = AddressPolicy;

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
/** A download that sends nothing for this long fails (and can be resumed by importing again). */
const STALL_TIMEOUT_MS = 60_000;

const importError = (status: number, message: string, code: string) =>
  new AppError(status, status === 409 ? 'conflict_error' : 'invalid_request_error', message, { code, param: code === 'model_exists' ? 'id' : null });

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
    await link(path, target).catch(() =>
      copyFile(path, target).catch(async (error: unknown) => {
        await unlink(target).catch(() => undefined); // a copy cut short (a full disk) must not look like a model
        throw error;
      }),
    );
  }

  private async fromUrl(rawUrl: string, id: string, target: string, sha256: string | undefined, signal: AbortSignal, onProgress?: (p: ImportProgress) => void) {
    const partialDir = join(this.modelsDir, '.partial');
    await mkdir(partialDir, { recursive: true });
    const partial = join(partialDir, `${id}.gguf.part`);
    const have = (await stat(partial).catch(() => undefined))?.size ?? 0;
    let received = 0;
    let reported = 0;
    let started = false;
    const response = await this.open(rawUrl, have, signal, (bytes, total) => {
      received = bytes;
      if (!started || received - reported < PROGRESS_STEP) return;
      reported = received;
      onProgress?.({ receivedBytes: received, totalBytes: total });
    });
    const resumed = response.offset > 0;
    const total = response.totalBytes;
    // Progress starts at the offset; the fetcher may have counted some bytes already (it counts as they arrive).
    received = Math.max(received, response.offset);
    reported = response.offset;
    onProgress?.({ receivedBytes: response.offset, totalBytes: total });
    started = true;
    const hash = createHash('sha256');
    if (resumed) for await (const chunk of createReadStream(partial)) hash.update(chunk as Buffer);
    const hashed = async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        hash.update(chunk);
        yield chunk;
      }
    };
    try {
      await pipeline(response.body, hashed, createWriteStream(partial, { flags: resumed ? 'a' : 'w' }), { signal });
    } catch (error) {
      if (signal.aborted || isStorageFull(error)) throw error; // a full disk is the API's 507; the partial file stays for the resume
      const why = error instanceof FetchError ? error.detail : (error as Error).message;
      throw importError(502, `The download stopped at ${received} bytes (${why}); import again to resume.`, 'import_incomplete');
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
  private async open(rawUrl: string, from: number, signal: AbortSignal, onProgress: (bytes: number, total: number | null) => void): Promise<FetchedResponse> {
    try {
      return await openUrl(rawUrl, { policy: this.hosts, maxRedirects: MAX_REDIRECTS, startAt: from, stallTimeoutMs: STALL_TIMEOUT_MS, signal, onProgress });
    } catch (error) {
      throw error instanceof FetchError ? importFetchError(error, rawUrl) : error;
    }
  }
}

/** The fetcher's refusals with the statuses, codes and messages imports have always had. */
function importFetchError(error: FetchError, rawUrl: string): AppError {
  if (error.code === 'disabled') return importError(400, 'Importing from URLs is switched off on this server (JAN_MODEL_IMPORT_HOSTS=off).', 'import_disabled');
  switch (error.reason) {
    case 'invalid_url': return badRequest(`Not a URL: ${rawUrl}`, 'url');
    case 'protocol': return badRequest('Only http and https URLs can be imported.', 'url');
    case 'address': return importError(400, `Refusing to download from ${error.host}: not a public address.`, 'import_host_blocked');
    case 'redirects': return importError(502, 'Too many redirects.', 'import_failed');
    case 'status': return importError(502, `Downloading ${error.url} failed with HTTP ${error.status}.`, 'import_failed');
    default: return importError(502, `Could not download ${error.url ?? rawUrl}: ${error.detail}`, 'import_failed');
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
