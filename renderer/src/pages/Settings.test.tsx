import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ApiKeyInfo } from '../api/index.js';
import { renderPage } from '../test/render.js';
import { Settings } from './Settings.js';

function keyServer() {
  const keys: ApiKeyInfo[] = [];
  const bodies: unknown[] = [];
  return {
    keys,
    bodies,
    routes: {
      'GET /auth/me': () => ({ id: 'u1', object: 'user', name: 'Owner', role: 'admin', auth_method: 'session', created_at: 1 }),
      'GET /auth/api-keys': () => ({ object: 'list', items: keys, total: keys.length }),
      'POST /auth/api-keys': ({ body }: { body: unknown }) => {
        bodies.push(body);
        const info: ApiKeyInfo = { id: `key_${keys.length + 1}`, object: 'api_key', name: (body as { name: string }).name, prefix: 'sk_abcd', suffix: 'wxyz', created_at: 1_767_000_000, expires_at: null, last_used_at: null };
        keys.push(info);
        return { ...info, key: 'sk_abcd_secret_wxyz' };
      },
      'DELETE /auth/api-keys/key_1': () => {
        keys.splice(0, 1);
        return undefined;
      },
    },
  };
}

describe('Settings: API keys', () => {
  it('creates a key, shows its secret once, then lists it without the secret', async () => {
    const server = keyServer();
    renderPage(<Settings />, { routes: server.routes });
    expect(await screen.findByText('No API keys yet')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'my-script' } });
    fireEvent.change(screen.getByLabelText('Expires after (days)'), { target: { value: '30' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create key' }));
    expect((await screen.findByTestId('new-key')).textContent).toBe('sk_abcd_secret_wxyz');
    expect(server.bodies).toEqual([{ name: 'my-script', expires_in_days: 30 }]);
    const table = await screen.findByRole('table', { name: 'API keys' });
    expect(within(table).getAllByRole('row')[1]!.textContent).toContain('sk_abcd…wxyz');
    fireEvent.click(screen.getByRole('button', { name: 'Done' }));
    expect(screen.queryByTestId('new-key')).toBeNull();
    expect(document.body.textContent).not.toContain('sk_abcd_secret_wxyz');
  });

  it('revokes a key only after a confirmation', async () => {
    const server = keyServer();
    server.keys.push({ id: 'key_1', object: 'api_key', name: 'old', prefix: 'sk_old', suffix: 'zz', created_at: 1, expires_at: null, last_used_at: null });
    const { calls } = renderPage(<Settings />, { routes: server.routes });
    fireEvent.click(await screen.findByRole('button', { name: 'Revoke old' }));
    expect(calls).not.toContain('DELETE /auth/api-keys/key_1');
    fireEvent.click(screen.getByRole('button', { name: 'Revoke now' }));
    await waitFor(() => expect(screen.getByText('No API keys yet')).toBeTruthy());
    expect(calls.filter((c) => c.startsWith('DELETE'))).toEqual(['DELETE /auth/api-keys/key_1']);
  });

  it('shows the API error when creating fails', async () => {
    const server = keyServer();
    const routes = {
      ...server.routes,
      'POST /auth/api-keys': () => new Response(JSON.stringify({ error: { message: 'name is at most 120 characters', type: 'invalid_request_error', param: 'name', code: null } }), { status: 400 }),
    };
    renderPage(<Settings />, { routes });
    fireEvent.change(await screen.findByLabelText('Name'), { target: { value: 'x' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create key' }));
    expect((await screen.findByRole('alert')).textContent).toBe('name is at most 120 characters');
  });
});
