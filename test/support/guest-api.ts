/**
 * What the resource tests (conversations, their items, projects) share: one test server for the file, a guest
 * user whose token `api` sends, the error bodies they expect, and a walk through a cursor-paginated list.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { startTestServer, type RequestOptions, type TestResponse, type TestServer } from './test-server.js';

export interface GuestApi {
  /** The running server (only inside hooks and tests: it starts in `beforeAll`). */
  readonly server: TestServer;
  /** The guest user's access token. */
  readonly token: string;
  /** `server.request` as the guest user; `init.token` overrides it. */
  api(path: string, init?: RequestOptions): Promise<TestResponse>;
}

/** Registers `beforeAll`/`afterAll` that start a test server and log in a guest user, then close the server. */
export function useGuestApi(): GuestApi {
  let server: TestServer | undefined;
  let token = '';
  beforeAll(async () => {
    server = await startTestServer();
    token = await server.guestToken();
  });
  afterAll(() => server?.close());
  const started = (): TestServer => {
    if (!server) throw new Error('the server starts in beforeAll: use it inside hooks and tests');
    return server;
  };
  return {
    get server() {
      return started();
    },
    get token() {
      return token;
    },
    api: (path, init = {}) => started().request(path, { token, ...init }),
  };
}

/**
 * Follows `after` from the first page of a list to the last, checking each page's status and envelope (the
 * fields of `envelope` too, e.g. `{ total }`); returns each page's ids. `items` is how many the list holds:
 * more pages than that means a cursor that never advances.
 */
export async function walkPages(
  list: (query: string) => Promise<TestResponse>,
  limit: number,
  order: 'asc' | 'desc',
  items: number,
  envelope: Record<string, unknown> = {},
): Promise<string[][]> {
  const pages: string[][] = [];
  let after = '';
  for (;;) {
    const res = await list(`?limit=${limit}&order=${order}${after ? `&after=${after}` : ''}`);
    expect(res.status).toBe(200);
    const pageIds = res.json.data.map((entry: { id: string }) => entry.id);
    expect(res.json).toMatchObject({ object: 'list', first_id: pageIds[0], last_id: pageIds.at(-1), ...envelope });
    pages.push(pageIds);
    if (!res.json.has_more) return pages;
    expect(pages.length).toBeLessThan(items + 1);
    after = res.json.last_id;
  }
}

/** A 400 from input validation: the message names the field, whose wording comes from zod. */
export const invalid = (param: string | null, code = 'invalid_value') => ({
  error: { message: expect.stringContaining(param === null ? 'Invalid' : `'${param}'`), type: 'invalid_request_error', param, code },
});

export const conversationNotFound = (id: string) => ({
  error: { message: `No conversation found with id '${id}'.`, type: 'not_found_error', param: 'conversation_id', code: 'conversation_not_found' },
});
