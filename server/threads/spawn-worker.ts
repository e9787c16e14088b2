/**
 * Starts a worker thread on a module next to the caller. The build runs compiled `.js`; tests and `tsx` run
 * the `.ts` sources, which a bare worker thread cannot load, so there the worker first registers tsx's
 * loader and then imports the TypeScript entry.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** tsx's ESM API entry, read from its package exports (its CommonJS entry cannot register from a worker). */
function tsxEsmApi(callerUrl: string): string {
  const manifest = createRequire(callerUrl).resolve('tsx/package.json');
  const exports = JSON.parse(readFileSync(manifest, 'utf8')).exports['./esm/api'].import.default as string;
  return pathToFileURL(join(dirname(manifest), exports)).href;
}

export interface SiblingWorkerOptions extends WorkerOptions {
  /**
   * Big plain-JavaScript modules the worker uses. When running the sources, they are imported before tsx's
   * loader is registered, so tsx does not transform them (pdf.js takes seconds that way).
   */
  preload?: readonly string[];
}

/** `name` without extension, resolved next to `callerUrl` with the caller's own extension (.js or .ts). */
export function spawnSiblingWorker(callerUrl: string, name: string, options: SiblingWorkerOptions = {}): Worker {
  const { preload = [], ...workerOptions } = options;
  const source = callerUrl.endsWith('.ts');
  const url = new URL(`./${name}${source ? '.ts' : '.js'}`, callerUrl);
  if (!source) return new Worker(url, workerOptions);
  const require = createRequire(callerUrl);
  const steps = [
    ...preload.map((specifier) => `() => import(${JSON.stringify(pathToFileURL(require.resolve(specifier)).href)})`),
    `() => import(${JSON.stringify(tsxEsmApi(callerUrl))}).then((tsx) => tsx.register())`,
    `() => import(${JSON.stringify(url.href)})`,
  ];
  const bootstrap = `${steps.map((step) => `.then(${step})`).join('')};`;
  return new Worker(`Promise.resolve()${bootstrap}`, { ...workerOptions, eval: true });
}
