import { AppError } from '../errors/app-error.js';

/**
 * Why an aborted request stopped: the timeout's own error (503), or — the client went away — a 499 (nginx's
 * "client closed request"), so a departed client counts as neither a server error nor an unhandled one.
 */
export function abortReason(signal: AbortSignal): unknown {
  if (signal.reason instanceof AppError) return signal.reason;
  return new AppError(499, 'invalid_request_error', 'The client closed the connection before the response was complete.', {
    code: 'client_closed_request',
  });
}
