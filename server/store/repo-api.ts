/**
 * The public face of a repository: what both engines implement. The SQLite class is the definition (its public
 * methods, synchronous there because better-sqlite3 is); the store hands out its asynchronous form, and a
 * PostgreSQL repository `implements RepoApi<ThatClass>`, so the two engines cannot drift apart.
 */
export type RepoApi<T> = {
  readonly [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : T[K];
};
