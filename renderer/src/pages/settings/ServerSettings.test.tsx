import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Setting, SettingsList } from '../../api/settings.js';
import { renderPage } from '../../test/render.js';
import { Settings } from '../Settings.js';

const base = {
  object: 'setting', flag: '--x', description: 'What it does.', default_doc: '', choices: null, live: false, editable: true,
  locked_by: null, secret: false, is_set: true, pending_restart: false, saved_value: null, source: 'default',
} as const;

function fixture(): Setting[] {
  return [
    { ...base, name: 'port', env: 'JAN_PORT', flag: '--port', group: 'Server', value: 1337, default: 1337, source: 'flag', editable: false, locked_by: 'flag' },
    { ...base, name: 'dataDir', env: 'JAN_DATA_DIR', group: 'Server', value: '/data', default: '/data', editable: false, locked_by: 'not_savable' },
    { ...base, name: 'apiKey', env: 'JAN_API_KEY', group: 'Server', value: null, default: null, secret: true, editable: false, locked_by: 'secret' },
    { ...base, name: 'gpu', env: 'JAN_GPU', group: 'Local inference', value: 'auto', default: 'auto', choices: ['auto', 'off'] },
    { ...base, name: 'clientRateLimit', env: 'JAN_CLIENT_RATE_LIMIT', group: 'Limits, response cache, data lifecycle, backups', value: 5000, default: 5000, live: true },
    { ...base, name: 'backupKeep', env: 'JAN_BACKUP_KEEP', group: 'Limits, response cache, data lifecycle, backups', value: 3, default: 3 },
  ];
}

/** A fake server keeping the options and the PATCH bodies; live keys apply, others wait for a restart. */
function settingsServer(restartAvailable = true) {
  const settings = fixture();
  const patches: unknown[] = [];
  const list = (): SettingsList => ({ object: 'list', data: settings, restart_required: settings.some((s) => s.pending_restart), restart_available: restartAvailable });
  return {
    patches,
    routes: {
      'GET /auth/me': () => ({ id: 'u1', object: 'user', name: 'Owner', role: 'owner', auth_method: 'session', created_at: 1 }),
      'GET /auth/api-keys': () => ({ object: 'list', items: [], total: 0 }),
      'GET /v1/admin/settings': list,
      'PATCH /v1/admin/settings': ({ body }: { body: unknown }) => {
        patches.push(body);
        const values = (body as { values: Record<string, string | null> }).values;
        for (const [name, raw] of Object.entries(values)) {
          if (raw === 'lots') {
            return new Response(JSON.stringify({ error: { message: `Invalid value for ${name} (JAN_X): must be a whole decimal number`, type: 'invalid_request_error', param: `values.${name}`, code: 'invalid_setting_value' } }), { status: 400 });
          }
          const s = settings.find((x) => x.name === name)!;
          s.saved_value = raw;
          const parsed = raw === null ? s.default : Number.isNaN(Number(raw)) ? raw : Number(raw);
          if (s.live) Object.assign(s, { value: parsed, source: raw === null ? 'default' : 'saved' });
          else s.pending_restart = parsed !== s.value;
        }
        return { ...list(), applied: [], pending_restart: settings.filter((s) => s.pending_restart).map((s) => s.name) };
      },
      'POST /v1/admin/settings/restart': () => ({ object: 'restart', status: 'restarting' }),
    },
  };
}

const capabilities = { has: () => true };

describe('Settings: server options', () => {
  it('shows every option by group with its source, and why read-only ones cannot be changed here', async () => {
    const server = settingsServer();
    renderPage(<Settings />, { routes: server.routes, capabilities });
    const serverGroup = await screen.findByRole('table', { name: 'Server' });
    const rows = within(serverGroup).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.getAttribute('data-setting'))).toEqual(['port', 'dataDir', 'apiKey']);
    expect(rows[0]!.textContent).toContain('set by --port');
    expect(rows[0]!.textContent).toContain('flag');
    expect(within(rows[0]!).queryByRole('textbox')).toBeNull();
    expect(rows[1]!.textContent).toContain('needed before the database opens');
    expect(rows[2]!.textContent).toContain('set');
    expect(rows[2]!.textContent).toContain('never stored or shown');
    expect(screen.getByRole('table', { name: 'Local inference' })).toBeTruthy();
    expect((screen.getByLabelText('gpu (JAN_GPU)') as HTMLSelectElement).value).toBe('auto');
    expect(screen.queryByRole('status', { name: 'Restart required' })).toBeNull();
  });

  it('saves a live option (applied at once) and a restart-required one (banner with Restart now)', async () => {
    const server = settingsServer();
    const { calls } = renderPage(<Settings />, { routes: server.routes, capabilities });
    const rate = await screen.findByLabelText('clientRateLimit (JAN_CLIENT_RATE_LIMIT)');
    fireEvent.change(rate, { target: { value: '20' } });
    fireEvent.click(within(rate.closest('tr')!).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(rate.closest('tr')!.textContent).toContain('saved'));
    expect(rate.closest('tr')!.textContent).toContain('live');
    expect(screen.queryByRole('status', { name: 'Restart required' })).toBeNull();

    const keep = screen.getByLabelText('backupKeep (JAN_BACKUP_KEEP)');
    fireEvent.change(keep, { target: { value: '7' } });
    fireEvent.click(within(keep.closest('tr')!).getByRole('button', { name: 'Save' }));
    const banner = await screen.findByRole('status', { name: 'Restart required' });
    expect(banner.textContent).toContain('backupKeep');
    expect(keep.closest('tr')!.textContent).toContain('restart required');
    expect(keep.closest('tr')!.textContent).toContain('runs with 3 until the restart');
    expect(server.patches).toEqual([{ values: { clientRateLimit: '20' } }, { values: { backupKeep: '7' } }]);

    fireEvent.click(within(banner).getByRole('button', { name: 'Restart now' }));
    await waitFor(() => expect(calls).toContain('POST /v1/admin/settings/restart'));
    expect((await screen.findByText(/Restarting/)).textContent).toContain('reconnects');

    fireEvent.click(within(rate.closest('tr')!).getByRole('button', { name: 'Use default' }));
    await waitFor(() => expect(server.patches.at(-1)).toEqual({ values: { clientRateLimit: null } }));
  });

  it('shows the schema\'s message beside the option when a value is refused', async () => {
    const server = settingsServer();
    renderPage(<Settings />, { routes: server.routes, capabilities });
    const rate = await screen.findByLabelText('clientRateLimit (JAN_CLIENT_RATE_LIMIT)');
    fireEvent.change(rate, { target: { value: 'lots' } });
    fireEvent.click(within(rate.closest('tr')!).getByRole('button', { name: 'Save' }));
    const alert = await within(rate.closest('tr')!).findByRole('alert');
    expect(alert.textContent).toBe('Invalid value for clientRateLimit (JAN_X): must be a whole decimal number');
  });

  it('under npm start says to restart by hand instead of offering Restart now', async () => {
    const server = settingsServer(false);
    renderPage(<Settings />, { routes: server.routes, capabilities });
    const keep = await screen.findByLabelText('backupKeep (JAN_BACKUP_KEEP)');
    fireEvent.change(keep, { target: { value: '5' } });
    fireEvent.click(within(keep.closest('tr')!).getByRole('button', { name: 'Save' }));
    const banner = await screen.findByRole('status', { name: 'Restart required' });
    expect(banner.textContent).toContain('Restart the server to apply');
    expect(within(banner).queryByRole('button')).toBeNull();
  });

  it('is not shown to a member, and not asked for', async () => {
    const server = settingsServer();
    const routes = { ...server.routes, 'GET /auth/me': () => ({ id: 'u2', object: 'user', name: 'Member', role: 'member', auth_method: 'session', created_at: 1 }) };
    const { calls } = renderPage(<Settings />, { routes, capabilities });
    expect(await screen.findByText(/Only an admin sees and changes/)).toBeTruthy();
    expect(calls).not.toContain('GET /v1/admin/settings');
  });
});
