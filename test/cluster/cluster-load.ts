/**
 * A steady write load through the cluster for the failover tests: `workers` loops, each with its own guest
 * token, each creating conversations one after another. Every answer is sorted into acknowledged (200, the id
 * kept to read back later) and failed (anything else, or no answer), with the time it failed. Each loop waits
 * `pauseMs` between requests, so that it stays under a per-client rate limit.
 */
/** A conversation the cluster acknowledged, and whose it is. */
export interface Written {
  id: string;
  token: string;
}

export interface LoadResult {
  acknowledged: Written[];
  failures: Array<{ at: number; reason: string }>;
  requests: number;
}

export interface RunningLoad {
  /** Stops the loops after their current request and returns what happened. */
  stop(): Promise<LoadResult>;
}

export function startWriteLoad(baseUrl: string, tokens: string[], pauseMs = 50): RunningLoad {
  const result: LoadResult = { acknowledged: [], failures: [], requests: 0 };
  let running = true;
  const loop = async (token: string) => {
    while (running) {
      result.requests++;
      try {
        const response = await fetch(`${baseUrl}/v1/conversations`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ metadata: { load: 'failover' } }),
          signal: AbortSignal.timeout(15_000),
        });
        const text = await response.text();
        if (response.status === 200) result.acknowledged.push({ id: (JSON.parse(text) as { id: string }).id, token });
        else result.failures.push({ at: Date.now(), reason: `${response.status} ${text.slice(0, 120)}` });
      } catch (error) {
        result.failures.push({ at: Date.now(), reason: String((error as Error).cause ?? error) });
      }
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  };
  const loops = tokens.map((token) => loop(token));
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return result;
    },
  };
}

/** Guest tokens for `count` separate users (each has its own rate-limit bucket); a 429 is waited out. */
export async function guestTokens(baseUrl: string, count: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const response = await fetch(`${baseUrl}/auth/guest-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    if (response.status === 429) {
      // Logins are limited per client address too: wait as told, then ask again.
      await new Promise((resolve) => setTimeout(resolve, Number(response.headers.get('retry-after') ?? 1) * 1000));
      i--;
      continue;
    }
    if (response.status !== 201) throw new Error(`guest login: ${response.status} ${await response.text()}`);
    tokens.push(((await response.json()) as { access_token: string }).access_token);
  }
  return tokens;
}

/** Reads every acknowledged conversation back through the cluster; returns the ids that are missing (anything but 200). */
export async function missingConversations(baseUrl: string, written: Written[]): Promise<string[]> {
  const missing: string[] = [];
  for (const { id, token } of written) {
    const response = await fetch(`${baseUrl}/v1/conversations/${id}`, { headers: { authorization: `Bearer ${token}` } });
    await response.arrayBuffer();
    if (response.status === 429) {
      await new Promise((resolve) => setTimeout(resolve, Number(response.headers.get('retry-after') ?? 1) * 1000));
      written.push({ id, token }); // asked again at the end
      continue;
    }
    if (response.status !== 200) missing.push(id);
  }
  return missing;
}
