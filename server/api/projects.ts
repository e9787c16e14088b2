import { z } from 'zod';

const Name = z.string().trim().min(1, 'name must not be empty').max(120, 'name is at most 120 characters');

export const ProjectCreateBody = z.object({
  name: Name,
  instruction: z.string().max(20_000).nullish(),
  is_favorite: z.boolean().optional(),
});

export const ProjectUpdateBody = z
  .object({
    name: Name.optional(),
    instruction: z.string().max(20_000).nullish(),
    is_favorite: z.boolean().optional(),
    is_archived: z.boolean().optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'give at least one field to update');

export const ProjectListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).optional(),
});

export const Project = z.object({
  id: z.string(),
  object: z.literal('project'),
  name: z.string(),
  instruction: z.string().nullable(),
  is_favorite: z.boolean(),
  is_archived: z.boolean(),
  archived_at: z.number().int().nullable(),
  created_at: z.number().int(),
  updated_at: z.number().int(),
});
export type Project = z.infer<typeof Project>;

export const ProjectList = z.object({
  object: z.literal('list'),
  data: z.array(Project),
  first_id: z.string().nullable(),
  last_id: z.string().nullable(),
  has_more: z.boolean(),
  next_cursor: z.string().nullable(),
});
