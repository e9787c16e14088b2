/** PostgreSQL twin of items-repo.ts: every insert and delete announces the conversation whose items changed. */
import type { ItemRow, ItemsRepo } from '../items-repo.js';
import { toPage, type Page, type PageRequest } from '../page.js';
import type { RepoApi } from '../repo-api.js';
import type { AnnounceChange } from '../store-changes.js';
import { pgKeyset } from './pg-page.js';
import type { PgSql } from './pg-sql.js';

const columns = 'seq, id, conversation_seq, type, body, created_at';
/** Whose conversation an insert or delete changed, for the announcement (items know their conversation by seq only). */
const returningOwner = `RETURNING (SELECT c.user_id FROM conversations c WHERE c.seq = items.conversation_seq) AS user_id,
  (SELECT c.id FROM conversations c WHERE c.seq = items.conversation_seq) AS conversation_id`;

type Owner = { user_id: string; conversation_id: string };

export class PgItemsRepo implements RepoApi<ItemsRepo> {
  constructor(
    private readonly sql: PgSql,
    private readonly announce: AnnounceChange,
  ) {}

  /** Callers wrap multi-row inserts in `Store.transaction`. */
  async insert(row: Omit<ItemRow, 'seq'>): Promise<void> {
    this.changed(await this.sql.get<Owner>(
      'items.insert',
      `INSERT INTO items (id, conversation_seq, type, body, created_at) VALUES ($1, $2, $3, $4, $5) ${returningOwner}`,
      [row.id, row.conversation_seq, row.type, row.body, row.created_at],
    ));
  }

  async get(conversationSeq: number, id: string): Promise<ItemRow | undefined> {
    return this.sql.get('items.get', `SELECT ${columns} FROM items WHERE conversation_seq = $1 AND id = $2`, [conversationSeq, id]);
  }

  async list(conversationSeq: number, page: PageRequest): Promise<Page<ItemRow>> {
    const { where, orderBy, values } = pgKeyset(page.order, page.after, [conversationSeq, page.limit + 1]);
    const rows = await this.sql.all<ItemRow>(
      'items.list',
      `SELECT ${columns} FROM items WHERE conversation_seq = $1 ${where} ${orderBy} LIMIT $2`,
      values,
    );
    return toPage(rows, page.limit);
  }

  async delete(conversationSeq: number, id: string): Promise<boolean> {
    const owner = await this.sql.get<Owner>('items.delete', `DELETE FROM items WHERE conversation_seq = $1 AND id = $2 ${returningOwner}`, [conversationSeq, id]);
    this.changed(owner);
    return owner !== undefined;
  }

  private changed(owner: Owner | undefined): void {
    if (owner) this.announce({ entity: 'conversation-items', userId: owner.user_id, conversationId: owner.conversation_id });
  }
}
