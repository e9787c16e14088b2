/**
 * Starts a real server (real SQLite file in a fresh temp folder, port 0) for HTTP tests, and a tiny fetch
 * wrapper that returns status, headers and parsed JSON.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfigWithSources } from '../../server/config/load-config.js';
import type { Config } from '../../server/config/schema.js';
import { startServer, type RunningServer, type StartServerOptions } from '../../server/start-server.js';
import { createTestDatabase } from './test-database.js';

export const TEST_ADMIN_KEY = 'test-admin-key-0123456789abcdef';

export interface TestServer extends RunningServer {
  dataDir: string;
  config: Config;
  /** A fresh guest user's access token (each call is a new user). */
  guestToken(): Promise<string>;
  /** Stops the server (graceful shutdown) but keeps its data folder; `close()` also removes the folder. */
  stop(): Promise<void>;
  /** `fetch` against this server; JSON bodies are sent and parsed for you. */
  request(path: string, init?: RequestOptions): Promise<TestResponse>;
}

export interface RequestOptions {
  method?: string;
  /** Sent as `Authorization: Bearer …`. */
  token?: string;
  /** Serialized as JSON unless it is already a string. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert on arbitrary shapes
  json: any;
}

/** Reads a fetch response whole: its text, and the text parsed as JSON (undefined when it is not JSON). */
export async function readResponse(response: Response): Promise<TestResponse> {
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** `options.runtime` replaces node-llama-cpp (e.g. with test/support/scripted-runtime.ts). */
export async function startTestServer(overrides: Partial<Config> = {}, options: Pick<StartServerOptions, 'runtime'> = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'jan-test-'));
  const database = await createTestDatabase();
  // The overrides count as flags (read-only in Settings); every other option can be saved there, as in the app.
  const loaded = loadConfigWithSources({
    argv: [],
    env: {},
    platform: { dataDir, cwd: dataDir },
    overrides: { port: 0, logLevel: 'silent', apiKey: TEST_ADMIN_KEY, ...(database.url && { databaseUrl: database.url }), ...overrides },
  });
  const config = loaded.config;
  const server = await startServer(loaded, { logger: pino({ level: 'silent' }), ...options });

  const request = async (path: string, init: RequestOptions = {}): Promise<TestResponse> => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    // A session cookie is the dashboard's, and the dashboard writes from the server's own origin (browsers send
    // Origin with every write; cookie writes without it are refused as CSRF, see test/http/csrf.test.ts).
    const names = Object.keys(headers).map((h) => h.toLowerCase());
    if (names.includes('cookie') && !names.includes('origin')) headers.origin = server.url;
    let body: string | undefined;
    if (init.body !== undefined) {
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
      headers['content-type'] ??= 'application/json';
    }
    return readResponse(await fetch(server.url + path, { method: init.method ?? 'GET', headers, body }));
  };

  return {
    ...server,
    dataDir,
    config,
    request,
    async guestToken() {
      const response = await request('/auth/guest-login', { method: 'POST', body: {} });
      if (response.status !== 201) throw new Error(`guest login failed: ${response.status} ${response.text}`);
      return response.json.access_token as string;
    },
    stop: () => server.close(),
    async close() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
      await database.drop();
    },
  };
}
