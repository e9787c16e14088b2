/** The lexicon engine on its own: language codes, the undetermined case, sentiment labels and keywords. */
import { describe, expect, it } from 'vitest';
import { LexiconEngine } from '../../server/analysis/lexicon-engine.js';

const lexicon = new LexiconEngine();

describe('LexiconEngine', () => {
  it.each([
    ['en', 'The train arrived on time and the journey was very pleasant.'],
    ['fr', 'Le train est arrivé à l’heure et le voyage était très agréable.'],
    ['de', 'Der Zug kam pünktlich an und die Reise war sehr angenehm.'],
    ['es', 'El tren llegó a tiempo y el viaje fue muy agradable.'],
  ])('detects %s', async (code, text) => {
    const language = await lexicon.language(text);
    expect(language.code).toBe(code);
    expect(language.score).toBeGreaterThan(0);
    expect(language.score).toBeLessThanOrEqual(1);
  });

  it('decides a near tie of the n-gram scores by stop words (names sway n-grams)', async () => {
    expect((await lexicon.language('Marie Curie studied radioactivity in Paris with Pierre Curie.')).code).toBe('en');
  });

  it('answers `und` when the detector is not sure', async () => {
    expect(await lexicon.language('12345 !!!')).toEqual({ code: 'und', score: 0 });
    expect(await lexicon.language('hi')).toEqual({ code: 'und', score: 0 });
  });

  it('scores negation, and a text of equal praise and blame as mixed', () => {
    const en = { code: 'en', score: 1 };
    expect(lexicon.sentiment('This is not good.', en).sentiment).toBe('negative');
    expect(lexicon.sentiment('Good food, bad service.', en)).toMatchObject({ sentiment: 'mixed', warnings: [] });
    expect(lexicon.sentiment('The report has four pages.', en)).toMatchObject({ sentiment: 'neutral', score: 0 });
  });

  it('drops stop words, digits and punctuation from keywords, most frequent first', () => {
    const keywords = lexicon.keywords('Rust, rust and more rust! The 3 engines need oil; oil is cheap.', { code: 'en', score: 1 });
    expect(keywords).toEqual(['rust', 'oil', 'engines', 'cheap']);
  });
});
