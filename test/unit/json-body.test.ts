/** parseFirstJsonValue and readJsonBody: the first JSON value of a body, its edge cases, limits and types. */
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../server/errors/app-error.js';
import { MAX_JSON_DEPTH, MAX_JSON_ELEMENTS, MAX_JSON_KEYS, parseFirstJsonValue, readJsonBody } from '../../server/http/json-body.js';

function rejection(fn: () => unknown): { status: number; code: string | null; message: string } {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    const { status, code, message } = error as AppError;
    return { status, code, message };
  }
  throw new Error('expected an AppError');
}

const invalidJson = { status: 400, code: 'invalid_json', message: 'The request body is not valid JSON.' };

describe('parseFirstJsonValue', () => {
  it('parses a whole JSON document as JSON.parse does', () => {
    for (const text of ['{"a":1}', '[1,2,3]', '{"a":{"b":[{"c":null}]}}', '42', '-0.5e3', '"text"', 'true', 'false', 'null', '{}', '[]']) {
      expect(parseFirstJsonValue(text), text).toEqual(JSON.parse(text));
    }
  });

  it('ignores braces and brackets inside strings', () => {
    expect(parseFirstJsonValue('{"a":"}"}}')).toEqual({ a: '}' });
    expect(parseFirstJsonValue('{"a":"{[[{"} trailing')).toEqual({ a: '{[[{' });
    expect(parseFirstJsonValue('["]","["]]')).toEqual([']', '[']);
  });

  it('follows escaped quotes and backslashes inside strings', () => {
    expect(parseFirstJsonValue('{"a":"say \\"}\\" now"}}')).toEqual({ a: 'say "}" now' });
    expect(parseFirstJsonValue('{"a":"ends with a backslash \\\\"}}')).toEqual({ a: 'ends with a backslash \\' });
    expect(parseFirstJsonValue('{"a":"\\\\\\"}"}x')).toEqual({ a: '\\"}' });
    expect(parseFirstJsonValue('{"\\u007d":"\\u0022"}]')).toEqual({ '}': '"' });
  });

  it('finds the end of nested arrays and objects', () => {
    expect(parseFirstJsonValue('[[1,[2,[3]]],{"a":[4]}]]]')).toEqual([[1, [2, [3]]], { a: [4] }]);
    expect(parseFirstJsonValue('{"a":[{"b":[]}]}{"second":true}')).toEqual({ a: [{ b: [] }] });
  });

  it('skips leading whitespace', () => {
    expect(parseFirstJsonValue(' \n\t\r {"a":1}')).toEqual({ a: 1 });
    expect(parseFirstJsonValue('\n\n  [1] } stray')).toEqual([1]);
  });

  it('accepts trailing bytes after a first object or array (Jan sends a stray `}`)', () => {
    expect(parseFirstJsonValue('{"name":"x"}}')).toEqual({ name: 'x' });
    expect(parseFirstJsonValue('{"name":"x"}\n\u0000garbage')).toEqual({ name: 'x' });
    expect(parseFirstJsonValue('[1]]]]')).toEqual([1]);
  });

  it('does not accept trailing bytes after a primitive', () => {
    for (const text of ['42 x', '"a" "b"', 'true false', 'null}']) expect(rejection(() => parseFirstJsonValue(text)), text).toEqual(invalidJson);
  });

  it('rejects empty, whitespace-only, unbalanced and invalid text', () => {
    const bad = ['', '   ', '{', '[', '}', ']', '}{"a":1}', '{"a":1', '{"a":"}', '{"a":1]', '{a:1}', "{'a':1}", '{"a":1,}', '[1,]', 'undefined', 'NaN', '{"a":"\\'];
    for (const text of bad) expect(rejection(() => parseFirstJsonValue(text)), JSON.stringify(text)).toEqual(invalidJson);
  });

  it('rejects raw control characters inside strings', () => {
    expect(rejection(() => parseFirstJsonValue('{"a":"x\u0000y"}'))).toEqual(invalidJson);
    expect(rejection(() => parseFirstJsonValue('{"a":"line\nbreak"}'))).toEqual(invalidJson);
  });

  it(`accepts ${MAX_JSON_DEPTH} levels of nesting and refuses more, before parsing`, () => {
    const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    expect(() => parseFirstJsonValue(nested(MAX_JSON_DEPTH))).not.toThrow();
    expect(parseFirstJsonValue(`{"a":${nested(MAX_JSON_DEPTH - 1)}}`)).toEqual({ a: expect.any(Array) });
    const tooDeep = {
      status: 400,
      code: 'json_too_deep',
      message: `The request body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep.`,
    };
    expect(rejection(() => parseFirstJsonValue(nested(MAX_JSON_DEPTH + 1)))).toEqual(tooDeep);
    expect(rejection(() => parseFirstJsonValue(`{"a":${nested(200_000)}}`))).toEqual(tooDeep);
    expect(rejection(() => parseFirstJsonValue('['.repeat(200_000)))).toEqual(tooDeep);
    // Brackets inside strings do not count.
    expect(parseFirstJsonValue(`{"a":"${'['.repeat(1000)}"}`)).toEqual({ a: '['.repeat(1000) });
  });

  const object = (keys: number) => `{${Array.from({ length: keys }, (_, i) => `"k${i}":${i}`).join(',')}}`;
  const array = (elements: number) => `[${Array.from({ length: elements }, (_, i) => `{"n":${i}}`).join(',')}]`;
  const tooManyKeys = {
    status: 400, code: 'json_too_wide', message: `An object in the request body has more than ${MAX_JSON_KEYS} keys.`,
  };
  const tooManyElements = {
    status: 400, code: 'json_too_wide', message: `An array in the request body has more than ${MAX_JSON_ELEMENTS} elements.`,
  };

  it(`accepts ${MAX_JSON_KEYS} keys per object and ${MAX_JSON_ELEMENTS} elements per array, at any depth`, () => {
    expect(Object.keys(parseFirstJsonValue(object(MAX_JSON_KEYS)) as object)).toHaveLength(MAX_JSON_KEYS);
    expect(parseFirstJsonValue(array(MAX_JSON_ELEMENTS))).toHaveLength(MAX_JSON_ELEMENTS);
    expect(parseFirstJsonValue(`{"a":[${object(MAX_JSON_KEYS)},${array(MAX_JSON_ELEMENTS)}]}`)).toEqual({ a: [expect.any(Object), expect.any(Array)] });
    // Each object and array counts its own members: many small ones are not one wide one.
    expect(parseFirstJsonValue(`[${Array.from({ length: 50 }, () => object(MAX_JSON_KEYS)).join(',')}]`)).toHaveLength(50);
    // Commas inside strings are not members.
    expect(parseFirstJsonValue(`{"a":"${','.repeat(50_000)}","b":["${'],['.repeat(20_000)}"]}`)).toEqual({ a: ','.repeat(50_000), b: ['],['.repeat(20_000)] });
  });

  it('refuses an object with one key too many, and an array with one element too many, before parsing', () => {
    expect(rejection(() => parseFirstJsonValue(object(MAX_JSON_KEYS + 1)))).toEqual(tooManyKeys);
    expect(rejection(() => parseFirstJsonValue(array(MAX_JSON_ELEMENTS + 1)))).toEqual(tooManyElements);
    expect(rejection(() => parseFirstJsonValue(`{"title":"t","metadata":${object(150_000)}}`))).toEqual(tooManyKeys);
    expect(rejection(() => parseFirstJsonValue(`{"a":[{"b":${array(MAX_JSON_ELEMENTS + 1)}}]}`))).toEqual(tooManyElements);
    expect(rejection(() => parseFirstJsonValue(`[${'0,'.repeat(200_000)}0]`))).toEqual(tooManyElements);
    // A wide value is refused even when the text after it is not valid JSON (the scan stops at the cap).
    expect(rejection(() => parseFirstJsonValue(`${object(MAX_JSON_KEYS + 1).slice(0, -1)},"x":`))).toEqual(tooManyKeys);
  });
});

/** A request stream with the given headers and body chunks. */
function fakeRequest(headers: Record<string, string>, ...chunks: string[]): IncomingMessage {
  return Object.assign(Readable.from(chunks.map((c) => Buffer.from(c))), { headers }) as unknown as IncomingMessage;
}

describe('readJsonBody', () => {
  it('reads JSON split across chunks', async () => {
    const req = fakeRequest({ 'content-type': 'application/json' }, '{"na', 'me":"é', '"}');
    expect(await readJsonBody(req, 1024)).toEqual({ name: 'é' });
  });

  it('reads an empty body as {}', async () => {
    expect(await readJsonBody(fakeRequest({ 'content-type': 'application/json' }), 1024)).toEqual({});
    expect(await readJsonBody(fakeRequest({}, ' \n '), 1024)).toEqual({});
  });

  it('refuses a declared length over the limit without reading, and an undeclared one while reading', async () => {
    const declared = fakeRequest({ 'content-type': 'application/json', 'content-length': '5000' }, '{}');
    await expect(readJsonBody(declared, 1024)).rejects.toMatchObject({ status: 413, code: 'request_too_large' });
    const streamed = fakeRequest({ 'content-type': 'application/json' }, '{"a":"', 'x'.repeat(600), 'y'.repeat(600), '"}');
    await expect(readJsonBody(streamed, 1024)).rejects.toMatchObject({
      status: 413, code: 'request_too_large', message: 'Request body is larger than 1024 bytes.',
    });
  });

  it('refuses media types other than JSON before reading', async () => {
    for (const type of ['text/plain', 'multipart/form-data; boundary=x', 'application/jsonx', 'json']) {
      await expect(readJsonBody(fakeRequest({ 'content-type': type }, '{}'), 1024), type).rejects.toMatchObject({
        status: 415, code: 'unsupported_media_type',
      });
    }
  });

  it('accepts JSON and +json media types', async () => {
    for (const type of ['application/json', 'application/json;charset=UTF-8', 'application/vnd.api+json', 'APPLICATION/MERGE-PATCH+JSON; charset=utf-8']) {
      expect(await readJsonBody(fakeRequest({ 'content-type': type }, '{"ok":1}'), 1024), type).toEqual({ ok: 1 });
    }
  });

  it('refuses the types a cross-origin form or no-cors fetch can send (form-encoded, text/plain, multipart)', async () => {
    for (const type of ['application/x-www-form-urlencoded', 'text/plain;charset=UTF-8', 'multipart/form-data; boundary=x']) {
      await expect(readJsonBody(fakeRequest({ 'content-type': type }, '{"ok":1}'), 1024), type).rejects.toMatchObject({
        status: 415, code: 'unsupported_media_type', message: `Content-Type must be application/json, not '${type}'.`,
      });
    }
  });

  it('refuses a body without Content-Type; a request without a body needs none', async () => {
    for (const framing of [{ 'content-length': '8' }, { 'transfer-encoding': 'chunked' }] as Record<string, string>[]) {
      await expect(readJsonBody(fakeRequest(framing, '{"ok":1}'), 1024)).rejects.toMatchObject({
        status: 415, code: 'unsupported_media_type', message: 'Content-Type must be application/json; this request has a body and no Content-Type.',
      });
    }
    expect(await readJsonBody(fakeRequest({ 'content-length': '0' }), 1024)).toEqual({});
  });
});
