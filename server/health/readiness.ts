/**
 * Readiness, as a load balancer asks for it (`/readyz`): ready while every probe answers (the database; Redis when
 * `JAN_REDIS_URL` is set; whatever else the composition root adds) and the server is not draining. Draining starts
 * with a SIGTERM (start-server.ts's close): from that moment readiness fails at once, so the load balancer stops
 * sending new requests while those in flight finish.
 *
 * Probes run concurrently and each gets `probeTimeoutMs`: a database or Redis that hangs (a dropped network
 * path rather than a refused connection) makes the replica not ready instead of hanging the health check, which
 * the load balancer would count as a failure anyway, only later.
 */

/** One dependency the replica cannot serve without. `ready()` resolves false (or rejects) when it does not answer. */
export interface ReadinessProbe {
  /** Named in the 503's message (`database`, `redis`). */
  name: string;
  ready(): boolean | Promise<boolean>;
}

export type ReadinessState =
  | { ready: true }
  | { ready: false; draining: true }
  | { ready: false; draining: false; failing: string[] };

export interface ReadinessOptions {
  probes?: readonly ReadinessProbe[];
  /** How long one probe may take before it counts as failing. */
  probeTimeoutMs?: number;
}

const DEFAULT_PROBE_TIMEOUT_MS = 2_000;

export class Readiness {
  private readonly probes: ReadinessProbe[];
  private readonly probeTimeoutMs: number;
  private drainingSince: number | undefined;

  constructor(options: ReadinessOptions = {}) {
    this.probes = [...(options.probes ?? [])];
    this.probeTimeoutMs = options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  }

  /** Adds a probe (the cluster's Redis connection, created after the services). */
  addProbe(probe: ReadinessProbe): void {
    this.probes.push(probe);
  }

  /** From now on not ready, for good: the process is stopping. */
  startDraining(): void {
    this.drainingSince ??= Date.now();
  }

  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  async check(): Promise<ReadinessState> {
    if (this.draining) return { ready: false, draining: true };
    const answers = await Promise.all(this.probes.map((probe) => this.answers(probe)));
    // Draining may have started while the probes ran: say so rather than "ready".
    if (this.draining) return { ready: false, draining: true };
    const failing = this.probes.filter((_, i) => !answers[i]).map((probe) => probe.name);
    return failing.length === 0 ? { ready: true } : { ready: false, draining: false, failing };
  }

  private async answers(probe: ReadinessProbe): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), this.probeTimeoutMs);
      timer.unref();
    });
    try {
      return await Promise.race([Promise.resolve().then(() => probe.ready()).then((ok) => ok === true, () => false), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
