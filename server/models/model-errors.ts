/** Maps the runtime's and the scheduler's errors to the API's, in one place. */
import { AppError } from '../errors/app-error.js';
import { ModelLoadError, PromptError } from '../runtime/inference-runtime.js';
import { QueueFullError, SchedulerClosedError } from '../runtime/scheduler.js';

/** Error messages name ids, never server paths: a client learns nothing about the machine's folders. */
export function modelNotFound(id: string): AppError {
  return new AppError(
    404,
    'invalid_request_error',
    `The model '${id}' does not exist. Put a GGUF file named '${id}.gguf' in the server's models folder or import one with ` +
      'POST /v1/models/import; GET /v1/models lists the installed models.',
    { param: 'model', code: 'model_not_found' },
  );
}

export function toInferenceError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  if (error instanceof PromptError) return new AppError(400, 'invalid_request_error', error.message, { param: error.param, code: error.code });
  if (error instanceof QueueFullError) {
    return new AppError(503, 'service_unavailable_error', `The server is busy: ${error.message} Retry shortly.`, { code: 'queue_full', retryAfter: 1 });
  }
  if (error instanceof SchedulerClosedError) {
    return new AppError(503, 'service_unavailable_error', `${error.message} Retry shortly.`, { code: 'model_unloading', retryAfter: 1 });
  }
  if (error instanceof ModelLoadError) return new AppError(500, 'server_error', error.message, { code: 'model_load_failed' });
  return error;
}
