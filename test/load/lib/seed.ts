/**
 * Fills a fresh data dir with the benchmark's data set through the store itself (not over HTTP, which would
 * take minutes): the owner (the admin that `JAN_API_KEY` maps to), projects, conversations and their items,
 * one transaction per batch. `seedStore` takes an open store of either engine; `seedDataDir` opens (and closes)
 * a SQLite file and must run before the server opens it.
 */
import { join } from 'node:path';
import { UsersService } from '../../../server/auth/users-service.js';
import { normalizeItem } from '../../../server/conversations/item-content.js';
import { newId, nowSeconds } from '../../../server/store/ids.js';
import { openStore, type Store } from '../../../server/store/store.js';

export interface SeedCounts {
  conversations: number;
  itemsPerConversation: number;
  projects: number;
}

export interface SeededItem {
  conversationId: string;
  itemId: string;
}

export interface SeededData {
  ownerId: string;
  projectIds: string[];
  conversationIds: string[];
  items: SeededItem[];
  seconds: number;
}

const BATCH = 500;
const WORDS = 'the server answers every request from a local database while the model thinks about tokens and time'.split(' ');

/** Deterministic filler text of 60–400 characters, so item bodies vary in size as real messages do. */
function filler(n: number): string {
  const words: string[] = [];
  const target = 60 + ((n * 7919) % 340);
  for (let i = 0, length = 0; length < target; i++) {
    const word = WORDS[(n + i * 13) % WORDS.length]!;
    words.push(word);
    length += word.length + 1;
  }
  return words.join(' ');
}

async function seedProjects(store: Store, ownerId: string, count: number, now: number): Promise<string[]> {
  const ids: string[] = [];
  await store.transaction(async () => {
    for (let i = 0; i < count; i++) {
      const id = newId('proj');
      const createdAt = now - (count - i) * 3_600;
      await store.projects.insert({
        id, user_id: ownerId, name: `Bench project ${i + 1}`, instruction: i % 2 ? 'Answer briefly.' : null,
        is_favorite: i % 5 === 0 ? 1 : 0, archived_at: null, created_at: createdAt, updated_at: createdAt,
      });
      ids.push(id);
    }
  });
  return ids;
}

/** One conversation and its items; every tenth conversation belongs to a project. */
async function seedConversation(store: Store, seed: { ownerId: string; projectIds: string[]; index: number; createdAt: number; items: number }, out: SeededData): Promise<void> {
  const { index, createdAt } = seed;
  const id = newId('conv');
  const projectId = index % 10 === 0 && seed.projectIds.length > 0 ? seed.projectIds[(index / 10) % seed.projectIds.length]! : null;
  const seq = await store.conversations.insert({
    id, user_id: seed.ownerId, project_id: projectId, title: `Bench conversation ${index + 1}`,
    metadata: JSON.stringify({ source: 'bench', n: String(index) }), referrer: null,
    created_at: createdAt, updated_at: createdAt + seed.items,
  });
  out.conversationIds.push(id);
  for (let j = 0; j < seed.items; j++) {
    const role = j % 2 === 0 ? 'user' : 'assistant';
    const { type, body } = normalizeItem({ type: 'message', role, content: filler(index * seed.items + j) });
    const itemId = newId('msg');
    await store.items.insert({ id: itemId, conversation_seq: seq, type, body: JSON.stringify(body), created_at: createdAt + j });
    out.items.push({ conversationId: id, itemId });
  }
}

/** Seeds an open store of either engine (SQLite or PostgreSQL, already migrated); the caller closes it. */
export async function seedStore(store: Store, counts: SeedCounts): Promise<SeededData> {
  const started = performance.now();
  // The same owner row the server would make on its first start; the server finds it and keeps it.
  const owner = await new UsersService(store).ensureOwner();
  const now = nowSeconds();
  const out: SeededData = { ownerId: owner.id, projectIds: [], conversationIds: [], items: [], seconds: 0 };
  out.projectIds = await seedProjects(store, owner.id, counts.projects, now);
  // Conversations one minute apart, the newest now, so lists have a real order.
  const first = now - counts.conversations * 60;
  for (let start = 0; start < counts.conversations; start += BATCH) {
    await store.transaction(async () => {
      for (let index = start; index < Math.min(start + BATCH, counts.conversations); index++) {
        const seed = { ownerId: owner.id, projectIds: out.projectIds, index, createdAt: first + index * 60, items: counts.itemsPerConversation };
        await seedConversation(store, seed, out);
      }
    });
  }
  out.seconds = (performance.now() - started) / 1000;
  return out;
}

/** Seeds a fresh SQLite data dir (its `jan.sqlite`), before the server opens it. */
export async function seedDataDir(dataDir: string, counts: SeedCounts): Promise<SeededData> {
  const store = openStore({ file: join(dataDir, 'jan.sqlite') });
  try {
    return await seedStore(store, counts);
  } finally {
    await store.close();
  }
}
