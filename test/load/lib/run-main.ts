/**
 * Runs a benchmark script's `main` and exits with its code (0 when it returns nothing): a bench ends when it
 * is done even if a client left a socket or timer behind. An error prints its stack (and cause) and exits 1.
 */
export function runMain(main: () => Promise<number | void>): void {
  main().then(
    (code) => process.exit(code ?? 0),
    (error: unknown) => {
      const cause = (error as { cause?: unknown }).cause;
      process.stderr.write(`bench: ${(error as Error).stack ?? String(error)}\n${cause === undefined ? '' : `cause: ${String(cause)}\n`}`);
      process.exit(1);
    },
  );
}

/**
 * An AbortSignal that Ctrl-C (or SIGTERM) aborts, so a suite stops its servers and cleans up; a second signal
 * exits at once (130).
 */
export function abortOnSignals(): AbortSignal {
  const abort = new AbortController();
  const onSignal = () => {
    if (abort.signal.aborted) process.exit(130);
    process.stderr.write('bench: stopping (again to force)\n');
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return abort.signal;
}
