/**
 * Ollama's `/api/pull` over the hub's pull service: `hf.co/{owner}/{repo}:{quantization}` names (Ollama's own
 * form for Hugging Face models; its library names such as `llama3.2` are refused with a 400 saying so).
 * Progress comes as Ollama's NDJSON lines: `pulling manifest`, `pulling <digest>` with `digest`, `total` and
 * `completed`, `verifying sha256 digest`, `writing manifest`, `success`; a failed pull ends with
 * `{"error": message}`. Without `stream` (Ollama's default is streaming) one `{"status":"success"}` comes
 * when the pull has completed.
 */
import { AppError, badRequest } from '../errors/app-error.js';
import type { Pull } from '../hub/index.js';
import type { NdjsonSend, OllamaReply } from './ollama-deps.js';

export interface OllamaPuller {
  create(input: { model: string }, signal?: AbortSignal): Promise<Pull>;
  follow(id: string, signal: AbortSignal, send: (pull: Pull) => void): Promise<void>;
  /** The SHA-256s of the pull's files, in order (null where the hub lists none). */
  digests(id: string): Promise<Array<string | null>>;
}

export async function pullModel(pulls: OllamaPuller, body: { model?: string | undefined; name?: string | undefined; stream?: boolean | null | undefined }, signal: AbortSignal): Promise<OllamaReply> {
  const name = body.model ?? body.name;
  if (!name) throw badRequest('model is required', 'model');
  const started = await pulls.create({ model: name }, signal);
  if (body.stream === false) {
    let last = started;
    await pulls.follow(started.id, signal, (pull) => (last = pull));
    finished(last);
    return { json: { status: 'success' } };
  }
  return {
    stream: async (send: NdjsonSend) => {
      send({ status: 'pulling manifest' });
      const digest = `sha256:${(await pulls.digests(started.id))[0] ?? '0'.repeat(64)}`;
      let last = started;
      let verifying = false;
      await pulls.follow(started.id, signal, (pull) => {
        last = pull;
        if (pull.status === 'verifying' && !verifying) {
          verifying = true;
          send({ status: 'verifying sha256 digest' });
        } else if (pull.status === 'queued' || pull.status === 'downloading') {
          send({ status: `pulling ${digest.slice(7, 19)}`, digest, total: pull.bytes_total, completed: pull.bytes_done });
        }
      });
      finished(last);
      send({ status: 'writing manifest' });
      send({ status: 'success' });
    },
  };
}

/** Throws unless the pull completed (a failed or cancelled pull is the request's error). */
function finished(pull: Pull): void {
  if (pull.status === 'completed') return;
  if (pull.status === 'failed') throw new AppError(502, 'server_error', pull.error?.message ?? 'The pull failed.', { code: 'pull_failed' });
  if (pull.status === 'cancelled') throw new AppError(409, 'conflict_error', 'The pull was cancelled.', { code: 'pull_cancelled' });
  throw new AppError(409, 'conflict_error', `The pull is ${pull.status}; resume it with POST /v1/models/pulls/${pull.id}/resume.`, { code: 'pull_state' });
}
