import { describe, expect, it } from 'vitest';
import { PromptError } from '../../server/runtime/inference-runtime.js';
import { toGrammarSchema } from '../../server/runtime/llama-json-schema.js';

describe('toGrammarSchema', () => {
  it('passes supported schemas through and reads anyOf as oneOf, recursively', () => {
    expect(toGrammarSchema({
      type: 'object',
      properties: { a: { anyOf: [{ type: 'string' }, { type: 'null' }] }, b: { type: 'array', items: { type: 'integer' } } },
      required: ['a'],
    })).toEqual({
      type: 'object',
      properties: { a: { oneOf: [{ type: 'string' }, { type: 'null' }] }, b: { type: 'array', items: { type: 'integer' } } },
      required: ['a'],
    });
  });

  it.each([
    [{ type: 'nonsense' }, 'schema: unknown type "nonsense"'],
    [{ type: 'object', properties: { x: { type: ['string', 'date'] } } }, 'schema.properties.x: unknown type "date"'],
    [{ type: 'object', properties: { x: false } }, 'schema.properties.x: `false` accepts nothing'],
    [{ oneOf: ['string'] }, 'schema.oneOf[0]: a schema must be an object'],
    [{ $defs: { d: { type: 'float' } } }, 'schema.$defs.d: unknown type "float"'],
  ])('refuses %j with a 400-ready error', (schema, where) => {
    let error: unknown;
    try {
      toGrammarSchema(schema as Record<string, unknown>);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PromptError);
    expect((error as PromptError).code).toBe('invalid_schema');
    expect((error as Error).message).toBe(`Unsupported JSON schema at ${where}.`);
  });

  it('refuses schemas nested absurdly deep', () => {
    let schema: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 40; i++) schema = { type: 'array', items: schema };
    expect(() => toGrammarSchema(schema)).toThrow(/nested too deeply/);
  });
});
