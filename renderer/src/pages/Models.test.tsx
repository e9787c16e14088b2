import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ModelEntry } from '../api/index.js';
import { capabilities, sseResponse } from '../test/fixtures.js';
import { renderPage } from '../test/render.js';
import { Models } from './Models.js';

const model = (id: string, status: ModelEntry['status']): ModelEntry => ({
  id, object: 'model', created: 1, owned_by: 'local', status, size_bytes: 1_500_000, architecture: 'llama', parameters: 1_100_000_000, quantization: 'Q4_K_M', context_length: 2048,
});

function server() {
  const models = [model('tiny', 'unloaded')];
  return {
    models,
    routes: {
      'GET /v1/models': () => ({ object: 'list', data: models }),
      'POST /v1/models/tiny/load': () => (models[0] = model('tiny', 'loaded')),
      'POST /v1/models/import': () => {
        const imported = model('imported', 'unloaded');
        models.push(imported);
        return sseResponse([
          JSON.stringify({ type: 'import.progress', received_bytes: 500, total_bytes: 1000 }),
          JSON.stringify({ type: 'import.completed', model: imported }),
        ]);
      },
    },
  };
}

const can = capabilities('POST /v1/models/{id}/load', 'POST /v1/models/import');
const statuses = () => within(screen.getByRole('table', { name: 'Installed models' })).getAllByRole('row').slice(1).map((r) => r.querySelector('.badge')?.textContent);

describe('Models', () => {
  it('loads a model and shows the list as the server has it afterwards', async () => {
    const { calls } = renderPage(<Models />, { routes: server().routes, capabilities: can });
    fireEvent.click(await screen.findByRole('button', { name: 'Load tiny' }));
    await waitFor(() => expect(statuses()).toEqual(['loaded']));
    expect(calls).toEqual(['GET /v1/models', 'POST /v1/models/tiny/load', 'GET /v1/models']);
  });

  it('imports from a path with progress, then lists the new model', async () => {
    const s = server();
    renderPage(<Models />, { routes: s.routes, capabilities: can });
    await screen.findByRole('button', { name: 'Load tiny' });
    fireEvent.change(screen.getByLabelText("Path on the server's machine, or an http(s) URL"), { target: { value: '/models/imported.gguf' } });
    fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    expect(screen.getByRole('progressbar', { name: 'Import progress' })).toBeTruthy();
    expect((await screen.findByRole('status')).textContent).toBe('Imported imported.');
    expect(statuses()).toEqual(['unloaded', 'unloaded']);
    expect(screen.queryByRole('progressbar')).toBeNull();
  });

  it('shows the hub downloads in progress, and links to the Hub, where the server has pulls', async () => {
    const s = server();
    const routes = {
      ...s.routes,
      'GET /v1/models/pulls': () => ({
        object: 'list',
        data: [{
          id: 'pull_1', object: 'model.pull', model: 'hf.co/acme/tiny-GGUF:Q4_K_M', repo: 'acme/tiny-GGUF', quantization: 'Q4_K_M', files: [], status: 'paused',
          bytes_total: 1000, bytes_done: 400, rate_bytes_per_second: null, eta_seconds: null, error: null, model_id: null, created_at: 1, updated_at: 1,
        }],
      }),
    };
    renderPage(<Models />, { routes, capabilities: capabilities('POST /v1/models/import', 'GET /v1/models/pulls') });
    const bar = await screen.findByRole('progressbar', { name: 'Download of acme/tiny-GGUF:Q4_K_M' });
    expect(bar.getAttribute('aria-valuenow')).toBe('40');
    expect(screen.getByRole('button', { name: 'Resume acme/tiny-GGUF:Q4_K_M' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Find a model in the Hub' }).getAttribute('href')).toBe('#/hub');
  });
});
