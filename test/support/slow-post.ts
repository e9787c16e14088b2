/** A request that stays in flight while a test changes the server under it (shutdown, rebinding). */
import { request as httpRequest } from 'node:http';
import { TEST_ADMIN_KEY } from './test-server.js';

export interface SlowPost {
  /** Sends the rest of the body. */
  finish(): void;
  /** The status and parsed JSON body, once the response has ended. */
  response: Promise<{ status: number; json: unknown }>;
}

/**
 * POSTs `body` (JSON, as the admin) in two parts: the headers and the first `firstPart` characters now (default:
 * half the body), the rest on `finish()`.
 */
export function slowPost(url: string, path: string, body: string, firstPart = Math.floor(body.length / 2)): SlowPost {
  const req = httpRequest(new URL(path, url), {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
  const response = new Promise<{ status: number; json: unknown }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
    });
    req.on('error', reject);
  });
  req.write(body.slice(0, firstPart));
  return { finish: () => req.end(body.slice(firstPart)), response };
}
