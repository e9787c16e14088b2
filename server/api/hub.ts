/** The model hub: GGUF repositories on the Hugging Face Hub, their quantizations and fit, and pulls. */
import { z } from 'zod';

export const HubRepo = z.object({
  id: z.string().describe('`owner/repo`'),
  author: z.string(),
  downloads: z.number().int(),
  likes: z.number().int(),
  updated_at: z.number().int().describe('Unix seconds; 0 when unknown'),
  tags: z.array(z.string()),
  license: z.string().nullable(),
  gated: z.boolean(),
  recommended: z.boolean(),
});

export const HubSearchQuery = z.object({
  search: z.string().trim().max(200).optional(),
  sort: z.enum(['downloads', 'likes', 'updated']).default('downloads'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(4096).optional(),
});

export const HubRepoList = z.object({ object: z.literal('list'), data: z.array(HubRepo), next_cursor: z.string().nullable() });

export const RecommendedRepo = HubRepo.extend({ kind: z.enum(['instruct', 'coder', 'embedding']), note: z.string() });
export const RecommendedList = z.object({ object: z.literal('list'), data: z.array(RecommendedRepo) });

const repoPart = z.string().regex(/^(?!\.\.?$)[\w.-]{1,96}$/, 'letters, digits, `.`, `_` and `-` only, and not `.` or `..`');
export const HubRepoPath = z.object({ owner: repoPart, repo: repoPart });

export const ModelFit = z.object({
  ram_needed_bytes: z.number().int(),
  free_ram_bytes: z.number().int(),
  free_disk_bytes: z.number().int(),
  verdict: z.enum(['fits', 'tight', 'wont_fit']),
  gpu_layers: z.number().int().nullable(),
});

export const HubRepoView = HubRepo.omit({ recommended: true }).extend({
  metadata: z
    .object({
      architecture: z.string(),
      block_count: z.number().int().nullable(),
      head_count: z.number().int().nullable(),
      head_count_kv: z.number().int().nullable(),
      embedding_length: z.number().int().nullable(),
      context_length: z.number().int().nullable(),
    })
    .nullable(),
  quantizations: z.array(
    z.object({
      quantization: z.string(),
      files: z.array(z.object({ name: z.string(), size_bytes: z.number().int(), sha256: z.string().nullable() })),
      size_bytes: z.number().int(),
      fit: ModelFit,
      recommended: z.boolean(),
    }),
  ),
  free_ram_bytes: z.number().int(),
  free_disk_bytes: z.number().int(),
});

export const PullBody = z.object({
  model: z.string().min(1).max(400).optional().describe('`hf.co/{owner}/{repo}:{quantization}`'),
  repo: z.string().min(1).max(200).optional(),
  file: z.string().min(1).max(400).optional(),
  /** Progress as server-sent events, each the pull object, until it completes, fails or is cancelled. */
  stream: z.boolean().optional(),
});

export const Pull = z.object({
  id: z.string(),
  object: z.literal('model.pull'),
  model: z.string(),
  repo: z.string(),
  quantization: z.string().nullable(),
  files: z.array(z.string()),
  status: z.enum(['queued', 'downloading', 'paused', 'verifying', 'completed', 'failed', 'cancelled']),
  bytes_total: z.number().int(),
  bytes_done: z.number().int(),
  rate_bytes_per_second: z.number().int(),
  eta_seconds: z.number().int().nullable(),
  error: z.object({ message: z.string() }).nullable(),
  model_id: z.string().nullable(),
  created_at: z.number().int(),
  updated_at: z.number().int(),
});

export const PullList = z.object({ object: z.literal('list'), data: z.array(Pull) });

export const PullPath = z.object({ id: z.string().min(1).max(128) });
