/**
 * Crash safety: a real server process (test/support/server-process.ts: `node dist/server/main.js`, or
 * server/main.ts through tsx when the build is stale; a temp data folder) is killed with SIGKILL at a random
 * moment under concurrent write load, five times over the same folder. After each kill the database must
 * pass `PRAGMA integrity_check` and hold every write the server acknowledged with a 2xx; after the last, a
 * restarted server must serve them all over HTTP. Each restart also shows that the OS dropped the killed
 * server's lock on the data folder (server/lifecycle/data-dir-lock.ts).
 *
 * Why this holds (server/store/store.ts): WAL mode with synchronous=NORMAL writes each commit into the
 * WAL before the statement returns and before any response is sent; the OS keeps those pages when the
 * process dies, and SQLite replays the WAL on the next open. (Power loss is another matter: that is what
 * JAN_DB_SYNCHRONOUS=full is for.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServer } from '../support/server-process.js';

const KEY = 'crash-test-admin-key-0123456789';
const ROUNDS = 5;
const WRITERS = 8;

/** A server process on the folder (each start also proves the last one's lock on it went with it). */
async function startServer(dataDir: string) {
  const server = spawnServer(dataDir, { JAN_API_KEY: KEY });
  return { child: server.child, url: await server.listening, exited: server.exited };
}

interface Acked {
  conversations: Map<string, string>;
  items: Set<string>;
}

/** Writes until the server dies; records only what came back 2xx. */
async function writer(url: string, tag: string, acked: Acked): Promise<void> {
  const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
  let last: string | undefined;
  for (let n = 0; ; n++) {
    try {
      if (last && n % 2 === 1) {
        const res = await fetch(`${url}/v1/conversations/${last}/items`, {
          method: 'POST', headers, body: JSON.stringify({ items: [{ type: 'message', role: 'user', content: `${tag}-${n}` }] }),
        });
        if (res.ok) acked.items.add(((await res.json()) as { data: { id: string }[] }).data[0]!.id);
      } else {
        const title = `${tag}-${n}`;
        const res = await fetch(`${url}/v1/conversations`, { method: 'POST', headers, body: JSON.stringify({ title }) });
        if (res.ok) {
          last = ((await res.json()) as { id: string }).id;
          acked.conversations.set(last, title);
        }
      }
    } catch {
      return; // connection refused or reset: the server is gone
    }
  }
}

function checkFile(dataDir: string, acked: Acked) {
  const db = new Database(join(dataDir, 'jan.sqlite')); // opening replays the WAL, as the server's next start would
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    const conversations = new Map(db.prepare('SELECT id, title FROM conversations').all().map((row) => {
      const { id, title } = row as { id: string; title: string };
      return [id, title];
    }));
    const items = new Set(db.prepare('SELECT id FROM items').pluck().all() as string[]);
    return {
      integrity,
      missingConversations: [...acked.conversations].filter(([id, title]) => conversations.get(id) !== title).length,
      missingItems: [...acked.items].filter((id) => !items.has(id)).length,
    };
  } finally {
    db.close();
  }
}

describe('SIGKILL under write load', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'jan-crash-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it(`loses no acknowledged write and keeps the database intact, ${ROUNDS} kills in a row`, async () => {
    const acked: Acked = { conversations: new Map(), items: new Set() };
    const perRound: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const before = acked.conversations.size + acked.items.size;
      const { child, url, exited } = await startServer(dataDir);
      const writers = Array.from({ length: WRITERS }, (_, w) => writer(url, `r${round}w${w}`, acked));
      // Kill mid-load: after a random number of acknowledged writes (so a slow machine still gets load).
      const target = before + 20 + Math.floor(Math.random() * 80);
      while (acked.conversations.size + acked.items.size < target) await new Promise((resolve) => setTimeout(resolve, 2));
      child.kill('SIGKILL');
      await exited;
      await Promise.all(writers);
      perRound.push(acked.conversations.size + acked.items.size - before);
      expect(checkFile(dataDir, acked)).toEqual({ integrity: 'ok', missingConversations: 0, missingItems: 0 });
    }
    expect(perRound.every((writes) => writes > 0)).toBe(true); // each kill really came under load

    const { child, url, exited } = await startServer(dataDir);
    try {
      const headers = { authorization: `Bearer ${KEY}` };
      const total = ((await (await fetch(`${url}/v1/conversations?limit=1`, { headers })).json()) as { total: number }).total;
      expect(total).toBeGreaterThanOrEqual(acked.conversations.size); // plus any committed whose answer was lost
      const sample = [...acked.conversations].filter((_, i) => i % 25 === 0);
      for (const [id, title] of sample) {
        const res = await fetch(`${url}/v1/conversations/${id}`, { headers });
        expect([res.status, ((await res.json()) as { title: string }).title]).toEqual([200, title]);
      }
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }, 150_000); // five server starts: about 15 s on an idle machine
});
