/**
 * `jan-server.pid` in the data folder names the process serving it while it runs. The restore command
 * (build/scripts/restore.mjs) refuses to replace the database while that process is alive. A server killed
 * outright leaves the file behind; its process is gone, so it no longer blocks a restore.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const PID_FILE = 'jan-server.pid';

/** Writes the pid file; returns the function that removes it (only if it still names this process). */
export function claimDataDir(dataDir: string): () => void {
  const path = join(dataDir, PID_FILE);
  writeFileSync(path, `${process.pid}\n`);
  return () => {
    try {
      if (readFileSync(path, 'utf8').trim() === String(process.pid)) rmSync(path, { force: true });
    } catch {
      // already gone
    }
  };
}
