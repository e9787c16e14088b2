/** Assertions for the OpenAI error envelope `{"error":{"message","type","param","code"}}` every error uses. */
import { expect } from 'vitest';

export interface ExpectedError {
  type: string;
  code: string | null;
  param?: string | null;
  /** The exact message, or a pattern it must match. */
  message?: string | RegExp;
}

/** Exactly the four fields, of the right types, and nothing that looks like a stack trace. */
export function expectEnvelopeShape(body: unknown): void {
  expect(body).toEqual({
    error: {
      message: expect.any(String),
      type: expect.any(String),
      param: expect.toSatisfy((p: unknown) => p === null || typeof p === 'string'),
      code: expect.toSatisfy((c: unknown) => c === null || typeof c === 'string'),
    },
  });
  const message = (body as { error: { message: string } }).error.message;
  expect(message).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
}

export function expectError(response: { status: number; json: unknown }, status: number, expected: ExpectedError): void {
  expect({ status: response.status, body: response.json }).toEqual({
    status,
    body: {
      error: {
        message: expected.message instanceof RegExp ? expect.stringMatching(expected.message) : (expected.message ?? expect.any(String)),
        type: expected.type,
        param: expected.param ?? null,
        code: expected.code,
      },
    },
  });
}
