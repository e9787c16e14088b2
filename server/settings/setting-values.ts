/**
 * How Settings turns the JSON an admin sends into the raw string a key's schema parses (the same string an
 * environment variable would hold), and what it can tell the dashboard about a key's allowed values.
 */
import { z } from 'zod';

export type JsonSettingValue = string | number | boolean | string[];

/** JSON → the raw form: numbers as decimals, booleans as on/off, lists comma-separated, strings as they are. */
export function toRaw(value: JsonSettingValue): string {
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

/** The allowed values when the schema names them (an enum, on/off, `auto` or a number); null for free values. */
export function choicesOf(schema: z.ZodType): string[] | null {
  if (schema instanceof z.ZodEnum) return schema.options.map(String);
  if (schema instanceof z.ZodPipe) return choicesOf(schema.in as z.ZodType);
  return null;
}

/** Whether a key's parsed values are equal (numbers, strings, booleans, lists). */
export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
