/**
 * The part of Ollama's Go templates that `/api/generate`'s `template` field needs for a single prompt:
 * `{{ .System }}`, `{{ .Prompt }}`, `{{ .Response }}`, `{{ if … }}` / `{{ else }}` / `{{ end }}` on those three,
 * and the `{{-` / `-}}` whitespace trims. Rendering stops at `.Response`, where the model's answer goes (as
 * Ollama does for a generate request). Anything else (ranges over `.Messages`, functions) is a 400.
 */
import { badRequest } from '../errors/app-error.js';

export interface TemplateValues {
  System: string;
  Prompt: string;
}

type Segment = { text: string } | { action: string };

const ACTION = /\{\{(-\s)?\s*(.*?)\s*(\s-)?\}\}/gs;
const FIELD = /^\.(System|Prompt|Response)$/;
const IF = /^if\s+\.(System|Prompt|Response)$/;

function segments(template: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  let trimNext = false;
  for (const match of template.matchAll(ACTION)) {
    let text = template.slice(last, match.index);
    if (trimNext) text = text.trimStart();
    if (match[1]) text = text.trimEnd();
    out.push({ text }, { action: match[2]! });
    trimNext = match[3] !== undefined;
    last = match.index + match[0].length;
  }
  const tail = template.slice(last);
  out.push({ text: trimNext ? tail.trimStart() : tail });
  return out;
}

const unsupported = (action: string) =>
  badRequest(
    `template: '{{ ${action} }}' is not supported; this server renders .System, .Prompt, .Response and if/else/end on them.`,
    'template',
    'unsupported_value',
  );

export function renderTemplate(template: string, values: TemplateValues): string {
  const value = (field: string) => (field === 'Response' ? '' : values[field as keyof TemplateValues]);
  /** One entry per open `if`: whether its branch being read now is taken. */
  const branches: boolean[] = [];
  const active = () => branches.every(Boolean);
  let out = '';
  for (const segment of segments(template)) {
    if ('text' in segment) {
      if (active()) out += segment.text;
      continue;
    }
    const { action } = segment;
    const field = FIELD.exec(action)?.[1];
    const condition = IF.exec(action)?.[1];
    if (field === 'Response' && active()) return out;
    if (field !== undefined) out += active() ? value(field) : '';
    else if (condition !== undefined) branches.push(value(condition) !== '');
    else if (action === 'else' && branches.length > 0) branches.push(!branches.pop()!);
    else if (action === 'end' && branches.length > 0) branches.pop();
    else throw unsupported(action);
  }
  if (branches.length > 0) throw badRequest('template: an {{ if }} has no {{ end }}.', 'template');
  return out;
}
