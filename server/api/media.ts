/** Shapes of the media API under /v1/media: files, downloads and text extraction. */
import { z } from 'zod';
import { ListQuery } from './common.js';

export const MediaFile = z.object({
  id: z.string().describe('`jan_…`, the same id the Jan media API uses.'),
  object: z.literal('file'),
  filename: z.string(),
  mime_type: z.string().describe('Sniffed from the bytes, not taken from the client.'),
  bytes: z.number().int(),
  sha256: z.string(),
  created_at: z.number().int(),
});
export type MediaFile = z.infer<typeof MediaFile>;

export const MediaUploadResult = MediaFile.extend({
  deduped: z.boolean().describe('True when you had uploaded the same content before; the earlier file is returned.'),
});

export const MediaFileList = z.object({
  object: z.literal('list'),
  data: z.array(MediaFile),
  first_id: z.string().nullable(),
  last_id: z.string().nullable(),
  has_more: z.boolean(),
});

export const MediaListQuery = ListQuery;

export const MediaFileDeleted = z.object({ id: z.string(), object: z.literal('file'), deleted: z.literal(true) });

export const MediaPathId = z.object({ id: z.string().min(1).max(128) });

const LanguageCode = z.string().regex(/^[a-z]{3}(_[a-z]+)?$/, 'language codes look like `eng` or `chi_sim`');

export const ExtractTextBody = z.object({
  languages: z
    .union([
      z.string().min(1).transform((value) => value.split('+')),
      z.array(z.string()).min(1),
    ])
    .pipe(z.array(LanguageCode).min(1).max(8))
    .optional()
    .describe('Tesseract language codes, as an array or joined with `+` (default `eng`).'),
});

export const ExtractedPage = z.object({
  page: z.number().int(),
  text: z.string(),
  confidence: z.number().describe('0–1; 1 for text read from a PDF text layer.'),
  source: z.enum(['text-layer', 'ocr']),
});

export const ExtractTextResult = z.object({
  file_id: z.string(),
  text: z.string(),
  confidence: z.number().describe('0–1, pages weighted by the length of their text.'),
  language: z.string().describe('The languages used, joined with `+`.'),
  pages: z.array(ExtractedPage),
  duration_ms: z.number().int(),
  cached: z.boolean().describe('True when the result came from the cache (same content and languages).'),
});
export type ExtractTextResult = z.infer<typeof ExtractTextResult>;

export const SignedQuery = z.object({
  expires: z.coerce.number().int().positive(),
  signature: z.string().regex(/^[0-9a-f]{64}$/, 'not a signature'),
});
