/**
 * Log records as one short line of words for a terminal (`warning: model failed to load: <reason> (model=x)`):
 * the message, the error's message and the record's plain fields. Stacks and nested objects stay in the JSON
 * log; this is what a person reads while the server runs.
 */

/** pino's level numbers as a person reads them. */
const LABELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warning', 50: 'error', 60: 'fatal' };

/** Fields every record has, or that the line shows otherwise. */
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'service', 'msg', 'err', 'v']);
const MAX_VALUE = 200;

function plainValue(value: unknown): string | undefined {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') return undefined; // objects and arrays: in the JSON log only
  const short = value.length > MAX_VALUE ? `${value.slice(0, MAX_VALUE)}…` : value;
  return /[\s,()="]/.test(short) || short === '' ? JSON.stringify(short) : short;
}

/** One line (no newline) for a pino record, parsed from its JSON. */
export function humanLine(record: Record<string, unknown>): string {
  const level = typeof record.level === 'number' ? record.level : 30;
  const label = LABELS[level] ?? `level ${level}`;
  const err = record.err as { message?: unknown } | undefined;
  const reason = typeof err?.message === 'string' && err.message ? `: ${err.message.split('\n')[0]}` : '';
  const fields: string[] = [];
  for (const [name, value] of Object.entries(record)) {
    const shown = HIDDEN.has(name) ? undefined : plainValue(value);
    if (shown !== undefined) fields.push(`${name}=${shown}`);
  }
  const msg = typeof record.msg === 'string' && record.msg ? record.msg : '(no message)';
  return `${label}: ${msg}${reason}${fields.length > 0 ? ` (${fields.join(', ')})` : ''}`;
}

/** A pino destination that writes each record it gets as a human line to `out`. */
export function humanLines(out: { write(text: string): unknown }): { write(line: string): void } {
  return {
    write(line: string) {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        out.write(line.endsWith('\n') ? line : `${line}\n`);
        return;
      }
      out.write(`${humanLine(record)}\n`);
    },
  };
}
