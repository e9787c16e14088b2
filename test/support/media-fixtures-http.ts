/** Helpers for the media HTTP tests: multipart uploads and raw downloads against a test server. */
import { readResponse, type TestResponse, type TestServer } from './test-server.js';

/** `POST /v1/media/upload` with `data` as the multipart part `file`. */
export async function uploadFile(server: TestServer, token: string | undefined, data: Uint8Array, filename = 'file.bin'): Promise<TestResponse> {
  const form = new FormData();
  form.append('file', new Blob([data]), filename);
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  return readResponse(await fetch(`${server.url}/v1/media/upload`, { method: 'POST', headers, body: form }));
}

/** GET returning the raw bytes. */
export async function download(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const response = await fetch(url, { headers });
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}
