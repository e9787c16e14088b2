/**
 * Where the HTTP layer meets a member's quotas (usage domain's QuotaGate): once the request is authenticated
 * and its body validated, before the handler works. The route says what the request is — a model request,
 * one that generates, one that stores — and the signal is tagged with the member so that the inference
 * runner can put the request in that member's sub-queue and count its usage.
 */
import type { Services } from '../create-services.js';
import type { QuotaRequest } from '../usage/index.js';
import type { AppContext } from './types.js';

/** Model requests by route; `generates`: it produces tokens (counted against the daily token quota). */
const MODEL_ROUTES: ReadonlyMap<string, { generates: boolean; ollama?: boolean }> = new Map([
  ['POST /v1/chat/completions', { generates: true }],
  ['POST /v1/completions', { generates: true }],
  ['POST /v1/responses', { generates: true }],
  ['POST /v1/messages', { generates: true }],
  ['POST /v1/embeddings', { generates: false }],
  ['POST /v1/response/analyze-sentiment', { generates: true }],
  ['POST /v1/response/generate-summary', { generates: true }],
  ['POST /v1/response/analyze-content', { generates: true }],
  ['POST /api/chat', { generates: true, ollama: true }],
  ['POST /api/generate', { generates: true, ollama: true }],
  ['POST /api/embed', { generates: false, ollama: true }],
  ['POST /api/embeddings', { generates: false, ollama: true }],
]);

/** Writes that add to what a member stores (media files and conversations). */
const STORING_ROUTES: ReadonlySet<string> = new Set([
  'POST /v1/files',
  'POST /v1/media/upload',
  'POST /v1/media/uploads',
  'PATCH /v1/media/uploads/:id',
  'PUT /v1/media/signed/:id',
  'POST /media/v1/media',
  'POST /media/v1/media/prepare-upload',
  'POST /v1/conversations',
  'PATCH /v1/conversations/:id',
  'POST /v1/conversations/:id',
  'POST /v1/conversations/:id/items',
  'POST /v1/import',
]);

interface BodyFlags {
  stream?: unknown;
  store?: unknown;
  conversation?: unknown;
}

/** Whether the request will add stored data: a storing route, or a chat/response that stores its turn. */
function stores(route: string, body: BodyFlags | undefined): boolean {
  if (STORING_ROUTES.has(route)) return true;
  if (route === 'POST /v1/responses') return body?.store !== false;
  if (route === 'POST /v1/chat/completions') return body?.conversation !== undefined && body.store !== false;
  return false;
}

/** The bytes the request says it brings: its body, or a resumable upload's declared total. */
function declaredBytes(ctx: AppContext): number {
  const length = Number(ctx.get('Content-Length')) || 0;
  const upload = Number(ctx.get('Upload-Length')) || 0;
  return Math.max(length, upload);
}

/**
 * Whether a quota can apply to a route (`METHOD template`): asked once per route when it is mounted, so that
 * the other routes do not look their route up on every request.
 */
export function quotaMayApply(route: string): boolean {
  return MODEL_ROUTES.has(route) || STORING_ROUTES.has(route) || route === 'POST /v1/responses' || route === 'POST /v1/chat/completions';
}

/**
 * Applies the member's quotas to this request (rejects with 429/507); headers go on the response. `undefined`
 * for a request no quota applies to (most of them), so that the caller has nothing to await. `route` is the
 * request's `METHOD template` (by default from the context).
 */
export function admitMember(
  ctx: AppContext, services: Services, userId: string, body: unknown,
  route = `${ctx.method} ${typeof ctx._matchedRoute === 'string' ? ctx._matchedRoute : ctx.path}`,
): Promise<void> | undefined {
  const model = MODEL_ROUTES.get(route);
  const flags = body as BodyFlags | undefined;
  const storing = stores(route, flags);
  if (!model && !storing) return undefined;
  if (model) services.requestAccounting.tag(ctx.state.signal, userId);
  // Ollama's chat and generate stream unless told not to; the OpenAI-style routes only when asked.
  const stream = model?.ollama ? model.generates && flags?.stream !== false : flags?.stream === true;
  return admit(ctx, services, userId, {
    model: model !== undefined,
    generates: model?.generates ?? false,
    stream,
    stores: storing ? { bytes: declaredBytes(ctx) } : undefined,
  });
}

async function admit(ctx: AppContext, services: Services, userId: string, request: QuotaRequest): Promise<void> {
  const admission = await services.quotaGate.admit(userId, request);
  ctx.set(admission.headers);
  if (admission.release) ctx.res.once('close', admission.release);
}
