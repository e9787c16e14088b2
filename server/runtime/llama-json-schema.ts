/**
 * Adapts a client's JSON schema to the subset node-llama-cpp turns into a grammar. node-llama-cpp accepts
 * anything and silently falls back to "any JSON" for what it does not know, so an unknown `type` would not
 * constrain the output at all: those are refused here (400) instead. `anyOf` is read as `oneOf` (for
 * generation they mean the same: the output matches one of the branches).
 */
import { PromptError } from './inference-runtime.js';

const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);
const MAX_DEPTH = 32;

type Schema = Record<string, unknown>;

function fail(path: string, why: string): never {
  throw new PromptError(`Unsupported JSON schema at ${path}: ${why}.`, 'invalid_schema');
}

function checkType(type: unknown, path: string): void {
  const types = Array.isArray(type) ? type : [type];
  for (const t of types) if (typeof t !== 'string' || !TYPES.has(t)) fail(path, `unknown type ${JSON.stringify(t)}`);
}

function adapt(schema: unknown, path: string, depth: number): unknown {
  if (depth > MAX_DEPTH) fail(path, 'nested too deeply');
  if (typeof schema === 'boolean') return schema ? {} : fail(path, '`false` accepts nothing');
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) fail(path, 'a schema must be an object');
  const out: Schema = { ...(schema as Schema) };
  if ('type' in out) checkType(out.type, path);
  if (Array.isArray(out.anyOf) && out.oneOf === undefined) {
    out.oneOf = out.anyOf;
    delete out.anyOf;
  }
  if (Array.isArray(out.oneOf)) out.oneOf = out.oneOf.map((s, i) => adapt(s, `${path}.oneOf[${i}]`, depth + 1));
  if (out.properties !== undefined) {
    if (typeof out.properties !== 'object' || out.properties === null) fail(path, '`properties` must be an object');
    out.properties = Object.fromEntries(
      Object.entries(out.properties as Schema).map(([key, value]) => [key, adapt(value, `${path}.properties.${key}`, depth + 1)]),
    );
  }
  if (out.items !== undefined && typeof out.items === 'object') out.items = adapt(out.items, `${path}.items`, depth + 1);
  for (const key of ['$defs', 'definitions'] as const) {
    const defs = out[key];
    if (defs !== undefined && typeof defs === 'object' && defs !== null) {
      out[key] = Object.fromEntries(Object.entries(defs as Schema).map(([name, value]) => [name, adapt(value, `${path}.${key}.${name}`, depth + 1)]));
    }
  }
  return out;
}

export function toGrammarSchema(schema: Record<string, unknown>): Record<string, unknown> {
  return adapt(schema, 'schema', 0) as Record<string, unknown>;
}
