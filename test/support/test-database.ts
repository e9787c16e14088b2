/**
 * Which database engine the HTTP tests run on. The `server` project runs them on SQLite (a file in each test
 * server's temp folder); the `server-pg` project sets JAN_TEST_ENGINE=postgres and runs the same files on
 * PostgreSQL, each test server with a fresh database of its own on the run's server (started by
 * test/cluster/postgres-global-setup.ts).
 */
import { postgresAvailable, startPostgres } from '../cluster/postgres-server.js';

export const testEngine: 'sqlite' | 'postgres' = process.env.JAN_TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';

/** True when this run is on PostgreSQL but the machine has none (the suite is skipped then, not failed). */
export const postgresMissing = testEngine === 'postgres' && !postgresAvailable();

export interface TestDatabase {
  /** `JAN_DATABASE_URL` for the server: empty on SQLite. */
  url: string;
  /** Drops the database (PostgreSQL); nothing on SQLite, whose file goes with the temp folder. */
  drop(): Promise<void>;
}

/** A fresh database for one test server. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (testEngine === 'sqlite') return { url: '', drop: async () => undefined };
  const server = await startPostgres(); // reuses the run's server (JAN_TEST_POSTGRES_URL): no process is started
  return { url: await server.createDatabase(), drop: () => server.stop() };
}
