/** The analysis service's pure parts: text normalisation, chunk splitting, merging chunk answers, word limits. */
import { describe, expect, it } from 'vitest';
import { normalizeText } from '../../server/analysis/analysis-inputs.js';
import { readingLevel } from '../../server/analysis/lexicon-engine.js';
import { splitText } from '../../server/analysis/llm-analyzer.js';
import { countWords, mergeContent, mergeSentiment, rankedUnion, trimWords } from '../../server/analysis/merge-results.js';
import type { SentimentAnswer } from '../../server/analysis/analysis-prompts.js';

describe('normalizeText', () => {
  it('drops control characters, collapses blank space, keeps paragraphs', () => {
    expect(normalizeText('  a\u0000b\r\n\r\n\r\n\r\nc \t d\u0007\ufffd  ')).toBe('a b\n\nc d');
    expect(normalizeText('\u0001\u0002 \n ')).toBe('');
  });
});

describe('splitText', () => {
  it('keeps every character (but the white space at cuts) in order, within the limit', () => {
    const text = Array.from({ length: 50 }, (_, i) => `Sentence number ${i} is here.`).join(' ');
    const chunks = splitText(text, 200);
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(200);
    expect(chunks.join(' ')).toBe(text);
    expect(chunks.every((chunk) => chunk.endsWith('.'))).toBe(true);
  });

  it('prefers paragraph breaks, then spaces, and cuts words only when it must', () => {
    expect(splitText(`${'a '.repeat(40)}\n\n${'b '.repeat(40)}`, 100)).toEqual(['a '.repeat(40).trim(), 'b '.repeat(40).trim()]);
    expect(splitText('x'.repeat(250), 100)).toEqual(['x'.repeat(100), 'x'.repeat(100), 'x'.repeat(50)]);
  });

  it('never cuts a surrogate pair in half', () => {
    const chunks = splitText('😀'.repeat(100), 51);
    expect(chunks.join('')).toBe('😀'.repeat(100));
    for (const chunk of chunks) expect(chunk).toMatch(/^(?:😀)+$/u);
  });

  it('returns short text as one chunk', () => {
    expect(splitText('Short.', 100)).toEqual(['Short.']);
  });
});

describe('mergeSentiment', () => {
  const answer = (text: string, a: SentimentAnswer) => ({ text, answer: a });

  it('weighs chunks by length; strong positive and negative parts make a mixed text', () => {
    const merged = mergeSentiment(
      [
        answer('x'.repeat(100), { sentiment: 'positive', score: 0.9, confidence: 0.8, aspects: [{ aspect: 'Food', sentiment: 'positive' }] }),
        answer('x'.repeat(100), { sentiment: 'negative', score: -0.7, confidence: 0.6, aspects: [{ aspect: 'food ', sentiment: 'negative' }] }),
      ],
      true,
    );
    expect(merged).toEqual({ sentiment: 'mixed', score: 0.1, confidence: 0.7, aspects: [{ aspect: 'Food', sentiment: 'mixed' }] });
  });

  it('a small dissenting chunk lowers the confidence but not the label', () => {
    const merged = mergeSentiment(
      [
        answer('x'.repeat(900), { sentiment: 'positive', score: 0.8, confidence: 1 }),
        answer('x'.repeat(100), { sentiment: 'negative', score: -0.8, confidence: 1 }),
      ],
      false,
    );
    expect(merged).toEqual({ sentiment: 'positive', score: 0.64, confidence: 0.9 });
  });

  it('passes one chunk through as it is', () => {
    const one = { sentiment: 'neutral' as const, score: 0, confidence: 0.5, aspects: [] };
    expect(mergeSentiment([answer('abc', one)], true)).toEqual(one);
  });
});

describe('merging content lists', () => {
  it('ranks entries named by more chunks first, case-insensitively, then by first mention', () => {
    expect(rankedUnion([['Sea', 'Ships'], ['wind', 'sea'], ['SEA', 'Wind']], (s) => s, 10)).toEqual(['Sea', 'wind', 'Ships']);
    expect(rankedUnion([['a', 'b', 'c']], (s) => s, 2)).toEqual(['a', 'b']);
  });

  it('merges only the lists the chunks answered', () => {
    expect(mergeContent([{ text: '', answer: { keywords: ['a'] } }, { text: '', answer: { keywords: ['b', 'a'] } }], { topics: 5, entities: 5, keywords: 5 })).toEqual({
      keywords: ['a', 'b'],
    });
  });
});

describe('word limits', () => {
  it('counts words, not punctuation', () => {
    expect(countWords('Hello, world — it is 2024 !')).toBe(5);
  });

  it('cuts at the limit with an ellipsis, keeping the white space inside', () => {
    expect(trimWords('One two three, four five.', 3)).toEqual({ text: 'One two three…', trimmed: true });
    expect(trimWords('One\ntwo', 5)).toEqual({ text: 'One\ntwo', trimmed: false });
  });
});

describe('readingLevel', () => {
  it('scores simple English as easier than dense English, and nothing for other languages', () => {
    const simple = 'The cat sat. The dog ran. We had fun.';
    const dense = 'Institutional interoperability necessitates comprehensive organizational standardization methodologies.';
    const easy = readingLevel(simple, { code: 'en', score: 1 })!;
    const hard = readingLevel(dense, { code: 'en', score: 1 })!;
    expect(easy.flesch_reading_ease).toBeGreaterThan(hard.flesch_reading_ease);
    expect(easy.flesch_kincaid_grade).toBeLessThan(hard.flesch_kincaid_grade);
    expect([easy.label, hard.label]).toEqual(['elementary', 'expert']);
    expect(readingLevel('Le chat dort.', { code: 'fr', score: 1 })).toBeUndefined();
  });
});
