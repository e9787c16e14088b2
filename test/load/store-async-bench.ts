/**
 * `npm run bench -- store-async`: what the asynchronous store costs the SQLite path. The same SQLite file and the
 * same prepared statements are called two ways, alternating rounds in one process: directly on the synchronous
 * repository (what every call was before the store became asynchronous) and through the store's asynchronous
 * face (SqliteGate: a resolved Promise per call, and an await in the caller). Reported per call in CPU
 * nanoseconds (process.cpuUsage, so a busy machine lengthens both sides alike), and the difference as a share of
 * what a request costs the server (the data-api bench's `CPU us/req`, ~300-1,000 us here).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConversationsRepo } from '../../server/store/conversations-repo.js';
import { ItemsRepo } from '../../server/store/items-repo.js';
import { QueryTimer } from '../../server/store/query-timer.js';
import { openStore } from '../../server/store/store.js';
import { runMain } from './lib/run-main.js';
import Database from 'better-sqlite3';

const CALLS = 20_000;
const ROUNDS = 9;

function cpuNs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) * 1000;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'jan-store-async-'));
  try {
    const file = join(dir, 'jan.sqlite');
    const store = openStore({ file });
    await store.users.insert({ id: 'u1', name: 'u1', role: 'member', created_at: 0 });
    const seqs: number[] = [];
    for (let i = 0; i < 100; i++) {
      seqs.push(await store.conversations.insert({ id: `conv_${i}`, user_id: 'u1', project_id: null, title: null, metadata: '{}', referrer: null, created_at: i, updated_at: i }));
    }
    for (let i = 0; i < 1000; i++) await store.items.insert({ id: `msg_${i}`, conversation_seq: seqs[i % 100]!, type: 'message', body: '{}', created_at: i });
    // The same file through bare synchronous repositories on a second connection (WAL: both read the same data).
    const db = new Database(file);
    const timer = new QueryTimer();
    const sync = { conversations: new ConversationsRepo(db, timer, () => undefined), items: new ItemsRepo(db, timer, () => undefined) };

    const operations = {
      'conversations.get': { sync: (i: number) => sync.conversations.get('u1', `conv_${i % 100}`), async: (i: number) => store.conversations.get('u1', `conv_${i % 100}`) },
      'items.list (20)': { sync: (i: number) => sync.items.list(seqs[i % 100]!, { order: 'asc', limit: 20 }), async: (i: number) => store.items.list(seqs[i % 100]!, { order: 'asc', limit: 20 }) },
      'conversations.count': { sync: () => sync.conversations.count('u1'), async: () => store.conversations.count('u1') },
    };
    console.log(`store-async: ${CALLS} calls x ${ROUNDS} rounds per operation, alternating; load average ${loadavg()[0]!.toFixed(1)} on 2 cores`);
    console.log(`${'operation'.padEnd(22)} ${'sync ns/call'.padStart(13)} ${'async ns/call'.padStart(14)} ${'extra ns'.padStart(9)}`);
    for (const [name, op] of Object.entries(operations)) {
      const syncNs: number[] = [];
      const asyncNs: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        let start = cpuNs();
        for (let i = 0; i < CALLS; i++) op.sync(i);
        syncNs.push((cpuNs() - start) / CALLS);
        start = cpuNs();
        for (let i = 0; i < CALLS; i++) await op.async(i);
        asyncNs.push((cpuNs() - start) / CALLS);
      }
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
      const s = median(syncNs);
      const a = median(asyncNs);
      console.log(`${name.padEnd(22)} ${s.toFixed(0).padStart(13)} ${a.toFixed(0).padStart(14)} ${(a - s).toFixed(0).padStart(9)}`);
    }
    db.close();
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

runMain(main);
