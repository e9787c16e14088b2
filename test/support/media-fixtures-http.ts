/** Helpers for the media HTTP tests: multipart uploads and raw downloads against a test server. */
import type { TestServer } from './test-server.js';

export interface Reply {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert on arbitrary shapes
  json: any;
}

async function reply(response: Response): Promise<Reply> {
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json };
}

/** `POST /v1/media/upload` with `data` as the multipart part `file`. */
export async function uploadFile(server: TestServer, token: string | undefined, data: Uint8Array, filename = 'file.bin'): Promise<Reply> {
  const form = new FormData();
  form.append('file', new Blob([data]), filename);
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  return reply(await fetch(`${server.url}/v1/media/upload`, { method: 'POST', headers, body: form }));
}

/** GET returning the raw bytes. */
export async function download(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const response = await fetch(url, { headers });
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}
