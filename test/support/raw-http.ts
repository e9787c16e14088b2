/**
 * A request through node:http, for what `fetch` hides or forbids: it sends any `Host` header and any raw
 * path (no `../` normalisation), and it returns the body exactly as it came over the wire (never
 * decompressed), so tests can check `Content-Encoding` themselves.
 */
import { request, type IncomingHttpHeaders } from 'node:http';

export interface RawRequest {
  method?: string;
  /** Sent as written, e.g. `/v1/conversations/../../etc/passwd`. */
  path: string;
  headers?: Record<string, string | number>;
  body?: string | Buffer;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert on arbitrary shapes
  json: any;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

export function rawRequest(baseUrl: string, options: RawRequest): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const headers = { ...options.headers };
  // Node frames a GET or DELETE body only when told its length; unframed, the server would read it as the next request.
  const framed = Object.keys(headers).some((h) => /^(content-length|transfer-encoding)$/i.test(h));
  if (options.body !== undefined && !framed) headers['content-length'] = Buffer.byteLength(options.body);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method: options.method ?? 'GET', path: options.path, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: parseJson(body) });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
