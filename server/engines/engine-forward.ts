/**
 * One request proxied to the engines that serve its model, in the order given (least outstanding first):
 * the next one is tried when an engine fails before the client has been sent a byte — it could not be
 * reached, timed out, answered 5xx, refused our key, or broke off a non-streamed answer (read whole before
 * replying for exactly this reason). An engine's 4xx is the request's fault and is answered at once.
 * A streamed answer is handed over once its headers are in; from then on a failure ends the client's stream.
 */
import type { Readable } from 'node:stream';
import type { AppError } from '../errors/app-error.js';
import { FetchError } from '../net/index.js';
import { MAX_ERROR_BYTES, MAX_JSON_BYTES, postToEngine, readText } from './engine-client.js';
import { allFailed, brokenStream, clientGone, passedThrough, readEngineError } from './engine-errors.js';
import type { Upstream } from './upstream.js';

export type EngineReply =
  | { kind: 'json'; engine: string; body: unknown }
  | {
    kind: 'stream';
    engine: string;
    contentType: string;
    /** The engine's bytes as they come; destroying it aborts the engine's request. */
    body: Readable;
    /** The error frame for a stream that broke off. */
    failure(error: unknown): AppError;
  };

export interface ForwardRequest {
  /** Under `/v1/`: `chat/completions`, `completions`, `embeddings`, `responses`. */
  path: string;
  model: string;
  body: unknown;
  signal: AbortSignal;
  retryAfter: number;
}

type Failure = { engine: string; message: string; answered: boolean };

export async function forwardToEngines(ordered: readonly Upstream[], request: ForwardRequest): Promise<EngineReply> {
  const failures: Failure[] = [];
  for (const upstream of ordered) {
    if (request.signal.aborted) throw clientGone(request.signal);
    const outcome = await tryEngine(upstream, request);
    if ('reply' in outcome) return outcome.reply;
    failures.push(outcome.failure);
  }
  throw allFailed(request.model, failures, request.retryAfter);
}

const detail = (error: unknown) => (error instanceof FetchError ? error.detail : error instanceof Error ? error.message : String(error));

async function tryEngine(upstream: Upstream, request: ForwardRequest): Promise<{ reply: EngineReply } | { failure: Failure }> {
  const { signal } = request;
  const engine = upstream.name;
  const started = performance.now();
  let finished = false;
  const finish = () => {
    if (!finished) upstream.finished((performance.now() - started) / 1000);
    finished = true;
  };
  upstream.started();
  let response;
  try {
    response = await postToEngine(upstream, request.path, request.body, signal);
  } catch (error) {
    finish();
    if (signal.aborted) throw clientGone(signal);
    const message = detail(error);
    upstream.failed(error instanceof FetchError && error.code === 'timeout' ? 'timeout' : 'connect', message);
    return { failure: { engine, message, answered: false } };
  }
  const { status, headers, body } = response;
  if (status >= 200 && status < 300 && /^text\/event-stream/i.test(headers['content-type'] ?? '')) {
    body.once('close', finish);
    body.once('end', () => upstream.succeeded());
    body.once('error', (error) => {
      if (!signal.aborted) upstream.failed('stream', `the stream broke off: ${detail(error)}`);
    });
    return { reply: { kind: 'stream', engine, contentType: headers['content-type']!, body, failure: (error) => brokenStream(engine, detail(error)) } };
  }
  let text: string;
  try {
    text = await readText(body, status >= 200 && status < 300 ? MAX_JSON_BYTES : MAX_ERROR_BYTES);
  } catch (error) {
    finish();
    if (signal.aborted) throw clientGone(signal);
    upstream.failed('bad_body', `the answer broke off: ${detail(error)}`);
    return { failure: { engine, message: `the answer broke off (${detail(error)})`, answered: false } };
  }
  finish();
  if (status >= 200 && status < 300) {
    try {
      const json: unknown = JSON.parse(text);
      upstream.succeeded();
      return { reply: { kind: 'json', engine, body: json } };
    } catch {
      upstream.failed('bad_body', 'the answer was not JSON');
      return { failure: { engine, message: 'the answer was not JSON', answered: true } };
    }
  }
  if (status === 401 || status === 403) {
    const message = `refused our credentials (HTTP ${status}); check its key in JAN_ENGINE_KEYS`;
    upstream.failed('auth', message);
    return { failure: { engine, message, answered: true } };
  }
  if (status >= 500 || status < 400) {
    const message = `HTTP ${status}: ${readEngineError(text).message}`;
    // A busy engine (503, its queue full) is alive: it is not ejected for it, only skipped this time.
    upstream.failed('status_5xx', message, status !== 503);
    return { failure: { engine, message, answered: true } };
  }
  upstream.succeeded(); // it answered sensibly: the request is what was wrong
  throw passedThrough(engine, status, text, headers['retry-after']);
}
