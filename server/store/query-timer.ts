/** Reports how long each store operation took, so the metrics layer can observe it without the store knowing it. */
export type QueryObserver = (operation: string, seconds: number) => void;

export class QueryTimer {
  constructor(private readonly observe?: QueryObserver) {}

  run<T>(operation: string, fn: () => T): T {
    if (!this.observe) return fn();
    const start = process.hrtime.bigint();
    try {
      return fn();
    } finally {
      this.observe(operation, Number(process.hrtime.bigint() - start) / 1e9);
    }
  }

  /** The same for an operation that completes later (PostgreSQL). */
  async runAsync<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    if (!this.observe) return fn();
    const start = process.hrtime.bigint();
    try {
      return await fn();
    } finally {
      this.observe(operation, Number(process.hrtime.bigint() - start) / 1e9);
    }
  }
}
