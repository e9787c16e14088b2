import type Database from 'better-sqlite3';
import { keysetClauses, toPage, type Page, type PageRequest, type SortOrder } from './page.js';
import type { QueryTimer } from './query-timer.js';

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

export class ItemsRepo {
  private readonly insertStmt;
  private readonly getStmt;
  private readonly deleteStmt;
  private readonly listStmts = new Map<string, Database.Statement<Record<string, unknown>, ItemRow>>();

  constructor(db: Database.Database, private readonly timer: QueryTimer) {
    this.insertStmt = db.prepare<Omit<ItemRow, 'seq'>>(
      'INSERT INTO items (id, conversation_seq, type, body, created_at) VALUES (@id, @conversation_seq, @type, @body, @created_at)',
    );
    this.getStmt = db.prepare<[number, string], ItemRow>(`SELECT ${columns} FROM items WHERE conversation_seq = ? AND id = ?`);
    this.deleteStmt = db.prepare<[number, string]>('DELETE FROM items WHERE conversation_seq = ? AND id = ?');
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
    this.timer.run('items.insert', () => this.insertStmt.run(row));
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
    return this.timer.run('items.delete', () => this.deleteStmt.run(conversationSeq, id).changes === 1);
  }
}
