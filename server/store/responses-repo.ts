import type Database from 'better-sqlite3';
import type { QueryTimer } from './query-timer.js';

export interface ResponseRow {
  seq: number;
  id: string;
  user_id: string;
  previous_response_id: string | null;
  /** The response object, JSON. */
  body: string;
  /** The request's input items (with their ids), JSON array. */
  input_items: string;
  created_at: number;
}

const columns = 'seq, id, user_id, previous_response_id, body, input_items, created_at';

export class ResponsesRepo {
  private readonly insertStmt;
  private readonly getStmt;
  private readonly deleteStmt;

  constructor(db: Database.Database, private readonly timer: QueryTimer) {
    this.insertStmt = db.prepare<Omit<ResponseRow, 'seq'>>(
      `INSERT INTO responses (id, user_id, previous_response_id, body, input_items, created_at)
       VALUES (@id, @user_id, @previous_response_id, @body, @input_items, @created_at)`,
    );
    this.getStmt = db.prepare<[string, string], ResponseRow>(`SELECT ${columns} FROM responses WHERE user_id = ? AND id = ?`);
    this.deleteStmt = db.prepare<[string, string]>('DELETE FROM responses WHERE user_id = ? AND id = ?');
  }

  insert(row: Omit<ResponseRow, 'seq'>): void {
    this.timer.run('responses.insert', () => this.insertStmt.run(row));
  }

  /** Another user's response is `undefined`, like a missing one. */
  get(userId: string, id: string): ResponseRow | undefined {
    return this.timer.run('responses.get', () => this.getStmt.get(userId, id));
  }

  delete(userId: string, id: string): boolean {
    return this.timer.run('responses.delete', () => this.deleteStmt.run(userId, id).changes > 0);
  }
}
