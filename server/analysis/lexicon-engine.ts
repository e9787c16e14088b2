/**
 * The analysis engine that needs no model: sentiment from the AFINN-165 lexicon (`sentiment`, which also
 * handles English negation: "not good" scores negative), language from n-gram profiles (`eld`, its `small`
 * database of 60 languages, ISO 639-1 codes, about 50 µs a call), keywords by frequency after stop-word
 * removal (`keyword-extractor`, 19 languages), and readability from the Flesch formulas (English only).
 * Synchronous and fast enough for the request path (see the analysis benchmark), except the first language
 * detection, which loads the detector's 1.6 MB database (lazily, so that server start does not pay for it).
 */
import keywordExtractor from 'keyword-extractor';
import Sentiment from 'sentiment';
import type { ContentResult, SentimentResult } from '../api/analysis.js';

/** Language detection needs a few sentences, not a book. */
const LANGUAGE_SAMPLE_CHARS = 2_000;
/** VADER's normalisation constant: how fast a sum of word scores approaches ±1. */
const NORMALIZE_ALPHA = 15;
/** The weaker polarity is at least this share of the stronger: the text is `mixed`. */
const MIXED_RATIO = 0.5;
const NEUTRAL_BAND = 0.1;
/** Detector scores this close are a tie, decided by stop words. */
const NEAR_TIE = 0.05;

const KEYWORD_LANGUAGES = new Set(keywordExtractor.supported_language_codes);
const round3 = (value: number) => Math.round(value * 1000) / 1000;
const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

type Detector = (typeof import('eld/small'))['eld'];

export interface DetectedLanguage {
  /** ISO 639-1, or `und` when the detector is not sure. */
  code: string;
  /** The detector's score for that language (0–1). */
  score: number;
}

export function sentenceCount(text: string): number {
  return Math.max(1, text.split(/[.!?。！？]+(?:\s|$)/u).filter((s) => /\p{L}/u.test(s)).length);
}

type LexiconSentiment = Pick<SentimentResult, 'sentiment' | 'score' | 'confidence'> & { warnings: string[] };

/** The lexicon engine. Holds the loaded word lists and detector, so one per server. */
export class LexiconEngine {
  private readonly sentimentAnalyzer = new Sentiment();
  private detector: Promise<Detector> | undefined;
  private readonly stopWords = new Map<string, Set<string>>();

  async language(text: string): Promise<DetectedLanguage> {
    this.detector ??= import('eld/small').then((module) => module.eld);
    const sample = text.slice(0, LANGUAGE_SAMPLE_CHARS);
    const result = (await this.detector).detect(sample);
    if (!result.language || !result.isReliable()) return { code: 'und', score: 0 };
    const [first, second] = Object.entries(result.getScores()).sort((a, b) => b[1] - a[1]);
    let best = first ?? [result.language, 0];
    // Proper names sway n-grams ("Marie Curie … Paris" scores Romanian a hair above English); in a near tie
    // the language whose stop words the text uses more wins.
    if (second && best[1] - second[1] < NEAR_TIE && this.stopWordHits(sample, second[0]) > this.stopWordHits(sample, best[0])) best = second;
    return { code: best[0], score: round3(best[1]) };
  }

  private stopWordHits(text: string, language: string): number {
    if (!KEYWORD_LANGUAGES.has(language)) return -1;
    let words = this.stopWords.get(language);
    if (!words) this.stopWords.set(language, (words = new Set(keywordExtractor.getStopwords({ language: language as 'en' }))));
    return (text.toLowerCase().match(/\p{L}+/gu) ?? []).filter((word) => words.has(word)).length;
  }

  /**
   * Positive and negative word scores are summed apart (negation already applied by the library): when both
   * are strong and neither clearly wins the text is `mixed`. The net sum per sentence is squashed to -1..1 as
   * VADER squashes a sentence's sum, so a long text scores as strongly as its average sentence, not its length.
   * Confidence grows with the number of sentiment words and how one-sided they are (a heuristic, not a
   * probability); with no sentiment word at all the text is neutral, more surely the longer it is.
   */
  sentiment(text: string, language: DetectedLanguage): LexiconSentiment {
    const result = this.sentimentAnalyzer.analyze(text);
    let positive = 0;
    let negative = 0;
    for (const entry of result.calculation) {
      for (const value of Object.values(entry)) {
        if (value > 0) positive += value;
        else negative -= value;
      }
    }
    const hits = result.calculation.length;
    const perSentence = (positive - negative) / sentenceCount(text);
    const score = clamp(perSentence / Math.sqrt(perSentence * perSentence + NORMALIZE_ALPHA), -1, 1);
    const ratio = positive > 0 && negative > 0 ? Math.min(positive, negative) / Math.max(positive, negative) : 0;
    let label: SentimentResult['sentiment'];
    let confidence: number;
    if (hits === 0) {
      label = 'neutral';
      confidence = Math.min(0.9, 0.5 + result.tokens.length / 50);
    } else {
      label = ratio >= MIXED_RATIO ? 'mixed' : Math.abs(score) < NEUTRAL_BAND ? 'neutral' : score > 0 ? 'positive' : 'negative';
      const clarity = label === 'mixed' ? ratio : 1 - ratio;
      confidence = 0.35 + 0.5 * clarity * (1 - Math.exp(-hits / 2)) + 0.15 * Math.abs(score);
    }
    const warnings: string[] = [];
    if (language.code !== 'en' && language.code !== 'und') {
      confidence *= 0.3;
      warnings.push(`The lexicon engine scores English words only and this text looks like '${language.code}'; install a model for other languages.`);
    }
    return { sentiment: label, score: round3(score), confidence: round3(clamp(confidence, 0, 1)), warnings };
  }

  /** The most frequent words that are not stop words (ties: first seen first). */
  keywords(text: string, language: DetectedLanguage, limit = 10): string[] {
    const words = keywordExtractor.extract(text, {
      language: (KEYWORD_LANGUAGES.has(language.code) ? language.code : 'en') as 'en',
      remove_digits: true,
      return_changed_case: true,
      remove_duplicates: false,
    });
    const counts = new Map<string, number>();
    for (const raw of words) {
      const word = raw.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
      if ([...word].length < 3 || !/\p{L}/u.test(word)) continue;
      counts.set(word, (counts.get(word) ?? 0) + 1);
    }
    // Map iteration order is first-seen order, and the sort is stable.
    return [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([word]) => word);
  }
}

/** English syllables by vowel groups, less a silent final e; good to about one syllable per word. */
function syllables(word: string): number {
  const w = word.toLowerCase().replace(/[^a-z]/g, '');
  if (w.length <= 3) return 1;
  const groups = w.replace(/(?:[^laeiouy]es|[^laeiouy]ed|[^laeiouy]e)$/, '').replace(/^y/, '').match(/[aeiouy]{1,2}/g);
  return Math.max(1, groups?.length ?? 1);
}

/** Flesch reading ease and Flesch–Kincaid grade; undefined for text that is not English or has no words. */
export function readingLevel(text: string, language: DetectedLanguage): ContentResult['reading_level'] {
  if (language.code !== 'en') return undefined;
  const words = text.match(/[A-Za-z]+(?:'[A-Za-z]+)?/g) ?? [];
  if (words.length === 0) return undefined;
  const sentences = sentenceCount(text);
  const syllableCount = words.reduce((sum, word) => sum + syllables(word), 0);
  const wordsPerSentence = words.length / sentences;
  const syllablesPerWord = syllableCount / words.length;
  const ease = 206.835 - 1.015 * wordsPerSentence - 84.6 * syllablesPerWord;
  const grade = Math.max(0, 0.39 * wordsPerSentence + 11.8 * syllablesPerWord - 15.59);
  const label = grade < 6 ? 'elementary' : grade < 10 ? 'intermediate' : grade < 14 ? 'advanced' : 'expert';
  return { flesch_reading_ease: Math.round(clamp(ease, 0, 100) * 10) / 10, flesch_kincaid_grade: Math.round(grade * 10) / 10, label };
}
