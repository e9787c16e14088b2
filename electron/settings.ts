/**
 * The desktop shell's own settings (a JSON file in the user-data folder): what must be known before the
 * server starts (its port) or that belongs to the shell (LAN access on at start, the window's bounds). The
 * server's settings live in its database. An unreadable or invalid file falls back to the defaults, field
 * by field, so one bad value never stops the app from starting.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

export const DEFAULT_PORT = 1337;

const WindowBounds = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(400).max(20_000),
  height: z.number().int().min(300).max(20_000),
  maximized: z.boolean().default(false),
});
export type WindowBounds = z.infer<typeof WindowBounds>;

const fields = {
  port: z.number().int().min(0).max(65_535),
  lanAccess: z.boolean(),
  window: WindowBounds,
};

export interface DesktopSettings {
  port: number;
  lanAccess: boolean;
  window?: WindowBounds;
}

export const DEFAULT_SETTINGS: DesktopSettings = { port: DEFAULT_PORT, lanAccess: false };

/** Keeps each field that is valid; defaults for the rest. */
export function parseSettings(raw: unknown): DesktopSettings {
  const input = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const settings: DesktopSettings = { ...DEFAULT_SETTINGS };
  const port = fields.port.safeParse(input.port);
  if (port.success) settings.port = port.data;
  const lan = fields.lanAccess.safeParse(input.lanAccess);
  if (lan.success) settings.lanAccess = lan.data;
  const window = fields.window.safeParse(input.window);
  if (window.success) settings.window = window.data;
  return settings;
}

export class SettingsFile {
  constructor(readonly path: string) {}

  load(): DesktopSettings {
    try {
      return parseSettings(JSON.parse(readFileSync(this.path, 'utf8')));
    } catch {
      return { ...DEFAULT_SETTINGS };
    }
  }

  /** Merges `change` into the saved settings; written to a temporary file and renamed, so never half-written. */
  update(change: Partial<DesktopSettings>): DesktopSettings {
    const next = { ...this.load(), ...change };
    mkdirSync(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(next, null, 2)}\n`);
    renameSync(temporary, this.path);
    return next;
  }
}
