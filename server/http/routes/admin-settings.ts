import { RestartAccepted, SettingsList, SettingsUpdate, SettingsUpdateBody } from '../../api/settings.js';
import { endpoint } from '../endpoint.js';

const tags = ['admin'];

export const list = endpoint({
  summary: 'Every option with its value, where it comes from (flag > env > saved > default), whether it applies live and whether a restart is pending. Secrets are never returned.',
  tags, access: 'admin', response: SettingsList,
  handle: (_, s) => s.settings.list(),
});

export const update = endpoint({
  summary: 'Save options (null removes a saved value). Validated by the config schema, all or nothing; live options apply at once, the rest after a restart. Options set by a flag or the environment are refused (409).',
  tags, access: 'admin', body: SettingsUpdateBody, response: SettingsUpdate,
  handle: async ({ body, principal }, s) => {
    const result = await s.settings.update(body, principal.userId);
    // Secrets are never saved (update refuses them), so the values can be recorded as sent.
    await s.audit.record(principal.userId, 'settings.change', 'settings', { values: body.values, applied: result.applied, pending_restart: result.pending_restart });
    return result;
  },
});

export const restart = endpoint({
  summary: 'Restart the server to apply saved options (the desktop app restarts it on the same port; a server started from a terminal answers 409).',
  tags, access: 'admin', response: RestartAccepted,
  handle: async ({ principal }, s) => {
    const result = s.settings.restart();
    await s.audit.record(principal.userId, 'settings.restart', 'settings');
    return result;
  },
});
