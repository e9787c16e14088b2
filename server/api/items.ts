/**
 * Conversation items. Accepted in OpenAI's flat content form (`{type:"input_text", text:"…"}`) and in Jan's
 * nested one (`{type:"text", text:{value:"…"}}`); always answered in OpenAI's flat form.
 */
import { z } from 'zod';
import { ListQuery } from './common.js';

const NestedText = z.object({ value: z.string(), annotations: z.array(z.unknown()).optional() });

export const ContentPartInput = z.looseObject({
  type: z.string().min(1).max(64),
  text: z.union([z.string(), NestedText]).optional(),
});

export const MessageRole = z.enum(['user', 'assistant', 'system', 'developer']);

export const MessageItemInput = z.object({
  type: z.literal('message').optional(),
  id: z.string().optional(),
  role: MessageRole,
  content: z.union([z.string(), z.array(ContentPartInput).max(100)]),
  status: z.enum(['in_progress', 'completed', 'incomplete']).optional(),
});

export const FunctionCallItemInput = z.object({
  type: z.literal('function_call'),
  id: z.string().optional(),
  call_id: z.string().min(1),
  name: z.string().min(1),
  arguments: z.string(),
  status: z.enum(['in_progress', 'completed', 'incomplete']).optional(),
});

export const FunctionCallOutputItemInput = z.object({
  type: z.literal('function_call_output'),
  id: z.string().optional(),
  call_id: z.string().min(1),
  output: z.string(),
  status: z.enum(['in_progress', 'completed', 'incomplete']).optional(),
});

export const ItemInput = z.union([MessageItemInput, FunctionCallItemInput, FunctionCallOutputItemInput]);
export type ItemInput = z.infer<typeof ItemInput>;

export const ItemsCreateBody = z.object({
  items: z.array(ItemInput).min(1, 'items must not be empty').max(20, 'at most 20 items can be added at once'),
});

export const ItemsListQuery = ListQuery;

export const ContentPart = z.looseObject({ type: z.string(), text: z.string().optional() });

export const Item = z.looseObject({
  id: z.string(),
  type: z.string(),
  status: z.string(),
  role: MessageRole.optional(),
  content: z.array(ContentPart).optional(),
  created_at: z.number().int(),
});
export type Item = z.infer<typeof Item>;

export const ItemList = z.object({
  object: z.literal('list'),
  data: z.array(Item),
  first_id: z.string().nullable(),
  last_id: z.string().nullable(),
  has_more: z.boolean(),
});
