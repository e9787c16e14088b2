/**
 * The server's options as Settings edits them (`/v1/admin/settings`), typed from the server's schemas
 * (server/api/settings.ts). Built on the same `Http` as the main `Api` (same origin, session cookie, error
 * envelope), so component tests drive it with the same fake fetch.
 */
import { useMemo } from 'react';
import type { Setting, SettingsList, SettingsUpdate } from '../../../server/api/settings.js';
import { useApi } from '../hooks/api-context.js';
import type { Http } from './http.js';

export type { Setting, SettingsList, SettingsUpdate };
/** What an admin sends per key: the value as the environment variable takes it, or null to remove the saved one. */
export type SettingInput = string | null;

export const settingsKeys = { all: ['server-settings'] as const };

export function createSettingsApi(http: Http) {
  return {
    list: () => http.json<SettingsList>('GET', '/v1/admin/settings'),
    save: (values: Record<string, SettingInput>) => http.json<SettingsUpdate>('PATCH', '/v1/admin/settings', { body: { values } }),
    restart: () => http.json<{ object: 'restart'; status: 'restarting' }>('POST', '/v1/admin/settings/restart'),
  };
}

export type SettingsApi = ReturnType<typeof createSettingsApi>;

export function useSettingsApi(): SettingsApi {
  const { http } = useApi();
  return useMemo(() => createSettingsApi(http), [http]);
}

/** A value as an input shows it (and as the environment variable would hold it): on/off, comma-separated lists. */
export function displayValue(value: Setting['value']): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}
