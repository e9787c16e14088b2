/**
 * npm does not pass a SIGTERM on to the server: `npx jan-server serve` and `npm start` run it under `sh -c`, and a
 * SIGTERM sent to npm alone (what a process supervisor that signals only the process it started does) ends npm and
 * that shell but not the server, which would run on orphaned, holding its port and data folder, and never drain.
 * So under npm (config/launcher.ts) the server watches its parent, and once that is gone it stops as on SIGTERM.
 * (A terminal's Ctrl-C reaches the whole process group, the server included; a container should run the server
 * with `node` as its command, not npx: when npm is PID 1 and exits, the kernel kills everything else at once.)
 */

/** Calls `onGone` once, within `intervalMs`, after this process's parent has exited. Returns a stop function. */
export function watchLauncher(onGone: () => void, intervalMs = 500): () => void {
  const launcher = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === launcher) return; // an orphan is adopted by init or a subreaper: its parent id changes
    clearInterval(timer);
    onGone();
  }, intervalMs);
  timer.unref(); // never what keeps the process alive
  return () => clearInterval(timer);
}
