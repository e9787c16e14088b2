/**
 * Gives the synchronous SQLite repositories the store's asynchronous face, and makes transactions safe across
 * awaits on the one connection.
 *
 * better-sqlite3 runs each statement to completion on the event loop, so a call outside a transaction simply
 * runs at once and its result is handed back as a resolved Promise (no queue, no extra turn). A transaction is
 * `BEGIN IMMEDIATE … COMMIT` around an async function: between its awaits other requests run, and on one
 * connection their statements would land inside it (and be rolled back with it). So while a transaction is
 * open, a call from outside it (told apart through AsyncLocalStorage) waits until it ends, and transactions
 * run one at a time. Nested transactions are savepoints of the outer one.
 */
import type Database from 'better-sqlite3';
import type { RepoApi } from './repo-api.js';
import { ScopedContext } from './scoped-context.js';

interface OpenTransaction {
  /** Identifies the outermost transaction this call belongs to. */
  readonly owner: object;
  /** Savepoint nesting depth (0: the outermost transaction). */
  readonly depth: number;
}

export class SqliteGate {
  private readonly open = new ScopedContext<OpenTransaction>();
  /** The transaction holding the connection, if any. */
  private owner: object | undefined;
  /** Settles when the current transaction ends (and the next may start). */
  private idle: Promise<void> = Promise.resolve();

  constructor(private readonly db: Database.Database) {}

  /** `repo`'s methods, each returning a Promise and waiting while another caller's transaction is open. */
  facade<T extends object>(repo: T): RepoApi<T> {
    const facade: Record<string, unknown> = {};
    for (const name of methodNames(repo)) {
      const method = (repo as Record<string, (...args: unknown[]) => unknown>)[name]!.bind(repo);
      facade[name] = (...args: unknown[]) => this.call(() => method(...args));
    }
    return facade as RepoApi<T>;
  }

  /** Runs `fn` in a transaction (or, nested, a savepoint); rolled back if it throws. */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    const outer = this.open.get();
    if (outer) return this.savepoint(outer, fn);
    while (this.owner) await this.idle;
    const owner = {};
    let end!: () => void;
    this.owner = owner;
    this.idle = new Promise((resolve) => (end = resolve));
    try {
      this.db.exec('BEGIN IMMEDIATE');
      const result = await this.open.run({ owner, depth: 0 }, fn);
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw error;
    } finally {
      this.owner = undefined;
      end();
    }
  }

  private async savepoint<T>(outer: OpenTransaction, fn: () => Promise<T>): Promise<T> {
    const name = `sp${outer.depth + 1}`;
    this.db.exec(`SAVEPOINT ${name}`);
    try {
      const result = await this.open.run({ owner: outer.owner, depth: outer.depth + 1 }, fn);
      this.db.exec(`RELEASE ${name}`);
      return result;
    } catch (error) {
      this.db.exec(`ROLLBACK TO ${name}`);
      this.db.exec(`RELEASE ${name}`);
      throw error;
    }
  }

  private call<T>(run: () => T): Promise<T> {
    if (this.owner && this.open.get()?.owner !== this.owner) return this.afterTransaction(run);
    try {
      return Promise.resolve(run());
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  private async afterTransaction<T>(run: () => T): Promise<T> {
    while (this.owner) await this.idle;
    return run();
  }
}

/** Public and private method names up the prototype chain (private ones are not typed on the facade). */
function methodNames(object: object): string[] {
  const names = new Set<string>();
  for (let proto = Object.getPrototypeOf(object) as object | null; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name !== 'constructor' && typeof Object.getOwnPropertyDescriptor(proto, name)?.value === 'function') names.add(name);
    }
  }
  return [...names];
}
