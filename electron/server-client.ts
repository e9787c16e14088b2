/**
 * The shell talks to its server the way any client does: over HTTP, with an admin key. It uses three
 * endpoints: the LAN switch, API-key creation (for the owner) and the live KPI snapshot. Response types come
 * from the server's own schemas.
 */
import type { z } from 'zod';
import type { ApiKeyCreated } from '../server/api/auth.js';
import type { KpiSnapshot } from '../server/api/kpi.js';
import type { LanStatus } from '../server/api/lan.js';

/** An error answer from the server, with its message (the OpenAI envelope's `error.message`). */
export class ServerError extends Error {
  override name = 'ServerError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface TrayFigures {
  /** Requests per second over the last minute. */
  rps: number;
  loadedModels: string[];
}

export class ServerClient {
  constructor(
    private readonly baseUrl: string,
    private readonly adminKey: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.fetchImpl(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const json = (await response.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
    if (!response.ok) throw new ServerError(response.status, json?.error?.message ?? `HTTP ${response.status}`);
    return json as T;
  }

  lanStatus(): Promise<LanStatus> {
    return this.call('GET', '/v1/admin/lan');
  }

  setLan(enabled: boolean): Promise<LanStatus> {
    return this.call('POST', '/v1/admin/lan', { enabled });
  }

  /** A new key for the owner; its secret is in this answer only. */
  async createApiKey(name: string): Promise<string> {
    const created = await this.call<z.infer<typeof ApiKeyCreated>>('POST', '/auth/api-keys', { name });
    return created.key;
  }

  async figures(): Promise<TrayFigures> {
    const snapshot = await this.call<z.infer<typeof KpiSnapshot>>('GET', '/v1/admin/metrics/snapshot?window=1m');
    return { rps: snapshot.totals.rps, loadedModels: snapshot.llm.loaded_models };
  }
}
