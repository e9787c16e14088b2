/**
 * vitest global setup of the `server-pg` project (the HTTP suite on PostgreSQL): starts one PostgreSQL server for
 * the whole run and hands its URL to the test processes as JAN_TEST_POSTGRES_URL (they fork after this runs); each
 * test server then gets a fresh database of its own (test/support/test-database.ts). Without PostgreSQL on the
 * machine nothing starts, and the project's tests are skipped with a message.
 */
import { postgresAvailable, startPostgres, type PostgresServer } from './postgres-server.js';

let server: PostgresServer | undefined;

export async function setup(): Promise<void> {
  if (process.env.JAN_TEST_POSTGRES_URL || !postgresAvailable()) return;
  server = await startPostgres();
  process.env.JAN_TEST_POSTGRES_URL = server.url;
}

export async function teardown(): Promise<void> {
  await server?.stop();
}
