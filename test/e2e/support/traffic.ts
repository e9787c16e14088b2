/**
 * A small, varied load for the dashboard to show: conversation CRUD, items, health checks, and a few
 * client errors (404, 401, 400), as an app would cause. Requests run `concurrency` at a time.
 */
import { TEST_ADMIN_KEY, type TestServer } from '../../support/test-server.js';

interface State {
  token: string;
  conversations: string[];
}
type Call = (server: TestServer, state: State) => Promise<unknown>;

const call = (server: TestServer, path: string, init: RequestInit & { state?: State } = {}) =>
  fetch(server.url + path, { ...init, headers: { authorization: `Bearer ${init.state?.token ?? TEST_ADMIN_KEY}`, 'content-type': 'application/json', ...init.headers } })
    .then(async (r) => ({ status: r.status, body: await r.text() }));

const MIX: Array<[weight: number, call: Call]> = [
  [4, (s) => call(s, '/v1/health')],
  [3, (s, state) => call(s, '/v1/conversations?limit=20', { state })],
  [2, async (s, state) => {
    const body = JSON.stringify({ title: `Load ${state.conversations.length}`, items: [{ role: 'user', content: 'hello' }] });
    const r = await call(s, '/v1/conversations', { method: 'POST', body, state });
    if (r.status === 200) state.conversations.push((JSON.parse(r.body) as { id: string }).id);
  }],
  [3, (s, state) => call(s, `/v1/conversations/${state.conversations.at(-1) ?? 'conv_missing'}`, { state })],
  [2, (s, state) => call(s, `/v1/conversations/${state.conversations.at(-1) ?? 'conv_missing'}/items`, { state })],
  [1, (s, state) => call(s, `/v1/conversations/${state.conversations.at(-1) ?? 'conv_missing'}/items`, { method: 'POST', body: JSON.stringify({ items: [{ role: 'assistant', content: 'hi there' }] }), state })],
  [1, (s, state) => call(s, '/v1/conversations/conv_does_not_exist', { state })],
  [1, (s, state) => call(s, '/v1/models', { state })],
  [1, (s) => fetch(`${s.url}/v1/conversations`, { headers: { authorization: 'Bearer sk_wrong' } })],
  [1, (s, state) => call(s, '/v1/conversations', { method: 'POST', body: '{"title": 5}', state })],
];

const TOTAL = MIX.reduce((sum, [w]) => sum + w, 0);

function pick(n: number): Call {
  let r = n % TOTAL;
  for (const [weight, fn] of MIX) {
    if (r < weight) return fn;
    r -= weight;
  }
  return MIX[0]![1];
}

/**
 * Sends `requests` requests of the mix, `concurrency` at a time, as the owner of `token` (default: the admin
 * key); returns how many were sent.
 */
export async function generateTraffic(server: TestServer, requests: number, concurrency = 8, token = TEST_ADMIN_KEY): Promise<number> {
  const state: State = { token, conversations: [] };
  let next = 0;
  const worker = async () => {
    while (next < requests) await pick(next++ * 7)(server, state).catch(() => undefined);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return next;
}
