/**
 * Finds Debian's promtool (package `prometheus`; CI installs it) and runs it. Tests that need it skip with
 * `PROMTOOL_MISSING` as their reason when it is absent.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const PROMTOOL = ['/usr/bin/promtool', '/usr/local/bin/promtool'].find((path) => existsSync(path));
export const PROMTOOL_MISSING = 'promtool not found (Debian package prometheus: apt-get install -y prometheus); skipping the promtool checks';

export interface PromtoolResult {
  status: number | null;
  output: string;
}

export function promtool(args: string[], input?: string): PromtoolResult {
  if (!PROMTOOL) throw new Error(PROMTOOL_MISSING);
  const run = spawnSync(PROMTOOL, args, { encoding: 'utf8', timeout: 60_000, ...(input !== undefined && { input }) });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}
