/**
 * Runs one suite against both engines: `describeBothEngines(title, (store) => { it(...) })` declares it once for
 * SQLite (a file in a temp folder) and once for PostgreSQL (a fresh database on the server from
 * test/cluster/postgres-server.ts, or on JAN_TEST_POSTGRES_URL's), each with its own store for the suite.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { openStore, type Store } from '../../server/store/store.js';
import { openPostgresStore } from '../../server/store/postgres/pg-store.js';
import { startPostgres, type PostgresServer } from '../cluster/postgres-server.js';

export type Engine = 'sqlite' | 'postgres';

export interface EngineContext {
  engine: Engine;
  /** The suite's store (open between beforeAll and afterAll). */
  store(): Store;
  /** Another, empty store of the same engine (closed after the suite). */
  openAnother(): Promise<Store>;
}

export function describeBothEngines(title: string, body: (context: EngineContext) => void): void {
  describe.each(['sqlite', 'postgres'] as const)(`${title} (%s)`, (engine) => {
    let server: PostgresServer | undefined;
    const opened: Store[] = [];
    const folders: string[] = [];
    let store: Store | undefined;

    const open = async (): Promise<Store> => {
      let next: Store;
      if (engine === 'sqlite') {
        const folder = mkdtempSync(join(tmpdir(), 'jan-store-'));
        folders.push(folder);
        next = openStore({ file: join(folder, 'jan.db') });
      } else {
        server ??= await startPostgres();
        next = await openPostgresStore({ url: await server.createDatabase() });
      }
      opened.push(next);
      return next;
    };

    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      for (const each of opened.splice(0)) await each.close();
      await server?.stop();
      for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
    });

    body({ engine, store: () => store!, openAnother: open });
  });
}

let counter = 0;
/** A fresh user id (and name) per call, so tests in one suite do not see each other's rows. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${++counter}`;
}
