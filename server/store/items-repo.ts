import type Database from 'better-sqlite3';
import { keysetClauses, toPage, type Page, type PageRequest, type SortOrder } from './page.js';
import type { QueryTimer } from './query-timer.js';
import type { AnnounceChange } from './store-changes.js';

export interface ItemRow {
  seq: number;
  id: string;
  conversation_seq: number;
  type: string;
  /** The item as JSON, without its id (kept in its own column). */
  body: string;
  created_at: number;
}

const columns = 'seq, id, conversation_seq, type, body, created_at';
/** Whose conversation an insert or delete changed, for the announcement (items know their conversation by seq only). */
const returningOwner = `RETURNING (SELECT user_id FROM conversations WHERE seq = conversation_seq) AS user_id,
  (SELECT id FROM conversations WHERE seq = conversation_seq) AS conversation_id`;

type Owner = { user_id: string; conversation_id: string };

/** Every insert and delete announces the conversation whose items changed (store-changes.ts). */
export class ItemsRepo {
  private readonly insertStmt;
  private readonly getStmt;
  private readonly deleteStmt;
  private readonly listStmts = new Map<string, Database.Statement<Record<string, unknown>, ItemRow>>();

  constructor(
    db: Database.Database,
    private readonly timer: QueryTimer,
    private readonly announce: AnnounceChange,
  ) {
    this.insertStmt = db.prepare<Omit<ItemRow, 'seq'>, Owner>(
      `INSERT INTO items (id, conversation_seq, type, body, created_at) VALUES (@id, @conversation_seq, @type, @body, @created_at) ${returningOwner}`,
    );
    this.getStmt = db.prepare<[number, string], ItemRow>(`SELECT ${columns} FROM items WHERE conversation_seq = ? AND id = ?`);
    this.deleteStmt = db.prepare<[number, string], Owner>(`DELETE FROM items WHERE conversation_seq = ? AND id = ? ${returningOwner}`);
    for (const order of ['asc', 'desc'] as SortOrder[]) {
      for (const hasAfter of [false, true]) {
        const { where, orderBy } = keysetClauses(order, hasAfter);
        this.listStmts.set(
          `${order}:${hasAfter}`,
          db.prepare(`SELECT ${columns} FROM items WHERE conversation_seq = @conversationSeq ${where} ${orderBy} LIMIT @limit`),
        );
      }
    }
  }

  /** Callers wrap multi-row inserts in `Store.transaction`. */
  insert(row: Omit<ItemRow, 'seq'>): void {
    this.changed(this.timer.run('items.insert', () => this.insertStmt.get(row)));
  }

  get(conversationSeq: number, id: string): ItemRow | undefined {
    return this.timer.run('items.get', () => this.getStmt.get(conversationSeq, id));
  }

  list(conversationSeq: number, page: PageRequest): Page<ItemRow> {
    return this.timer.run('items.list', () => {
      const rows = this.listStmts.get(`${page.order}:${page.after !== undefined}`)!.all({
        conversationSeq,
        afterCreatedAt: page.after?.created_at,
        afterSeq: page.after?.seq,
        limit: page.limit + 1,
      });
      return toPage(rows, page.limit);
    });
  }

  delete(conversationSeq: number, id: string): boolean {
    const owner = this.timer.run('items.delete', () => this.deleteStmt.get(conversationSeq, id));
    this.changed(owner);
    return owner !== undefined;
  }

  private changed(owner: Owner | undefined): void {
    if (owner) this.announce({ entity: 'conversation-items', userId: owner.user_id, conversationId: owner.conversation_id });
  }
}
