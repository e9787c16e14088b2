import { z } from 'zod';
import { ListQuery, Metadata } from './common.js';
import { ItemInput } from './items.js';

export const ConversationCreateBody = z.object({
  title: z.string().max(512).nullish(),
  metadata: Metadata.nullish(),
  items: z.array(ItemInput).max(20, 'at most 20 initial items').nullish(),
  project_id: z.string().min(1).max(128).nullish(),
  referrer: z.string().max(256).nullish(),
});

export const ConversationUpdateBody = z
  .object({ title: z.string().max(512).nullish(), metadata: Metadata.nullish() })
  .refine((b) => b.title !== undefined || b.metadata !== undefined, 'give title or metadata to update');

export const ConversationListQuery = ListQuery.extend({ project_id: z.string().min(1).max(128).optional() });

export const Conversation = z.object({
  id: z.string(),
  object: z.literal('conversation'),
  title: z.string().nullable(),
  metadata: z.record(z.string(), z.string()),
  project_id: z.string().nullable(),
  referrer: z.string().nullable(),
  created_at: z.number().int(),
  updated_at: z.number().int(),
});
export type Conversation = z.infer<typeof Conversation>;

export const ConversationList = z.object({
  object: z.literal('list'),
  data: z.array(Conversation),
  first_id: z.string().nullable(),
  last_id: z.string().nullable(),
  has_more: z.boolean(),
  total: z.number().int(),
});
