/** The only caller of `safeParse` for requests: turns a zod failure into a 400 naming the field. */
import type { z } from 'zod';
import { badRequest } from '../errors/app-error.js';

export type InputPart = 'body' | 'query' | 'path';

function paramName(path: readonly PropertyKey[]): string | null {
  if (path.length === 0) return null;
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

export function validate<S extends z.ZodType>(schema: S, value: unknown, part: InputPart): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const param = paramName(issue.path);
  const where = param ? `'${param}'` : part === 'path' ? 'path' : `request ${part}`;
  throw badRequest(`Invalid ${where}: ${issue.message}`, param, issue.code === 'invalid_type' ? 'invalid_type' : 'invalid_value');
}
