/**
 * Resumable uploads with the tus protocol (@tus/server + @tus/file-store). Partial uploads live in their own
 * folder with a JSON info file each, so they survive a restart and can be resumed until they expire; deleting
 * the expired ones is the media domain's sweep (media/expired-uploads.ts), which reads the same folder.
 *
 * Ownership: the upload's owner is written into its metadata on creation (whatever the client sent), and
 * every later request for it (HEAD, PATCH, DELETE) must come from the same user, or it is told the upload
 * does not exist. When the last byte arrives, `onFinished` turns the file into a media file; the tus copy is
 * removed once the response is out (the tus handlers still read it until then).
 *
 * Requests are cut after `requestTimeoutMs` (the client resumes).
 *
 * Failures leave nothing tus cannot resume from: a creation (POST) that fails removes the upload it began
 * (its client never learnt the URL), and a PATCH that fails midway (a full disk: 507) keeps the bytes
 * written so far, which HEAD reports and the client resumes from once there is room again. A complete upload
 * that cannot become a media file is dropped like a finished one (HEAD would call it complete): its client
 * starts over.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, linkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { FileStore } from '@tus/file-store';
import { Server } from '@tus/server';
import type { Upload } from '@tus/utils';
import { isStorageFull } from '../errors/storage-errors.js';

export interface FinishedUpload {
  /** A path the callee may move or delete (a hard link to the tus file). */
  path: string;
  filename: string | undefined;
  bytes: number;
  /** When the upload was created, for the upload-duration metric. */
  createdAt: Date | undefined;
}

export interface TusUploadsOptions {
  directory: string;
  /** URL path the uploads are served under, e.g. `/v1/media/uploads`. */
  path: string;
  maxBytes: number;
  /** Unfinished uploads older than this answer 410 and are announced with `Upload-Expires`. */
  expirationMs: number;
  requestTimeoutMs: number;
  /**
   * Origins tus itself answers `Access-Control-Allow-Origin` for. Without it, tus sets none: behind the app,
   * its CORS middleware (the one allow-list) has set the header before the request reaches tus.
   */
  allowOrigin?(origin: string): boolean;
  /** Response headers of ours that browsers may read (besides tus's own). */
  exposedHeaders?: string[];
  /** Makes the finished upload a media file; returns extra response headers. What it throws becomes `TusResult.error`. */
  onFinished(userId: string, upload: FinishedUpload): Promise<Record<string, string>>;
  /** A request failed for lack of disk space (SQLITE_FULL, ENOSPC, EDQUOT); it is answered 507. */
  onStorageFull?(): void;
}

export interface TusResult {
  response: Response;
  /** The error behind a 4xx/5xx response, when one was thrown (our own, or tus's `{status_code, body}`). */
  error?: unknown;
}

export class TusUploads {
  private readonly server: Server;
  private readonly store: FileStore;
  private readonly owners = new WeakMap<Request, string>();
  private readonly errors = new WeakMap<Request, unknown>();
  private readonly finished = new WeakMap<Request, string>();
  private readonly created = new WeakMap<Request, string>();

  constructor(private readonly options: TusUploadsOptions) {
    this.store = new FileStore({ directory: options.directory, expirationPeriodInMilliseconds: options.expirationMs });
    const allowOrigin = options.allowOrigin ?? (() => false);
    this.server = new Server({
      path: options.path,
      datastore: this.store,
      maxSize: options.maxBytes,
      respectForwardedHeaders: false,
      allowedOrigins: (origin) => allowOrigin(origin),
      exposedHeaders: options.exposedHeaders ?? [],
      namingFunction: (req) => {
        const id = randomBytes(16).toString('hex');
        this.created.set(req, id);
        return id;
      },
      onUploadCreate: async (req, upload) => ({ metadata: { ...upload.metadata, owner: this.owners.get(req) ?? null } }),
      onIncomingRequest: async (req, id) => {
        if (req.method !== 'POST') await this.checkOwner(req, id);
      },
      onUploadFinish: (req, upload) => this.finish(req, upload),
      onResponseError: (req, error) => {
        this.errors.set(req, error);
        if (isStorageFull(error)) this.options.onStorageFull?.();
        return undefined;
      },
    });
  }

  /** Handles one tus request (POST, HEAD, PATCH, DELETE, OPTIONS) for `userId`. */
  async handle(req: IncomingMessage, userId: string): Promise<TusResult> {
    const timer = setTimeout(() => req.destroy(new Error('upload request timed out')), this.options.requestTimeoutMs);
    try {
      const request = toWebRequest(req);
      this.owners.set(request, userId);
      const response = await this.server.handleWeb(request);
      const finishedId = this.finished.get(request) ?? (response.status >= 400 ? this.created.get(request) : undefined);
      if (finishedId) await this.forget(finishedId);
      return { response, error: this.errors.get(request) };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Nothing to release: the file store holds no handles or timers between requests. */
  close(): void {}

  private async checkOwner(req: Request, id: string): Promise<void> {
    const upload = await this.store.getUpload(id); // throws tus's 404 when unknown
    if (upload.metadata?.owner !== this.owners.get(req)) throw { status_code: 404, body: 'The file for this url was not found\n' };
  }

  private async finish(req: Request, upload: Upload) {
    this.finished.set(req, upload.id);
    const owner = upload.metadata?.owner;
    if (!owner) throw { status_code: 404, body: 'The file for this url was not found\n' };
    const source = join(this.options.directory, upload.id);
    const path = join(this.options.directory, `${upload.id}.done`);
    const filename = upload.metadata?.filename ?? upload.metadata?.name ?? undefined;
    const createdAt = upload.creation_date ? new Date(upload.creation_date) : undefined;
    try {
      try {
        linkSync(source, path);
      } catch {
        copyFileSync(source, path); // a copy cut short by a full disk is removed below
      }
      return { headers: await this.options.onFinished(owner, { path, filename, bytes: upload.offset, createdAt }) };
    } finally {
      rmSync(path, { force: true }); // gone already when it became a media file
    }
  }

  private async forget(id: string): Promise<void> {
    await this.store.remove(id).catch(() => undefined);
    await this.store.configstore.delete(id).catch(() => undefined);
  }
}

/** The web Request @tus/server's `handleWeb` takes, streaming the Node request's body. */
function toWebRequest(req: IncomingMessage): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(':')) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const method = req.method ?? 'GET';
  const hasBody = method === 'POST' || method === 'PATCH';
  return new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, {
    method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : null,
    duplex: 'half',
  } as RequestInit);
}
