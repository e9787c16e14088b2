import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { HubQuantization, HubRepo, HubRepoDetail, Pull, RecommendedRepo } from '../api/hub.js';
import { capabilities } from '../test/fixtures.js';
import { renderPage } from '../test/render.js';
import { Hub } from './Hub.js';

const GB = 1024 ** 3;
const repo = (id: string, extra: Partial<HubRepo> = {}): HubRepo => ({
  id, author: id.split('/')[0]!, downloads: 123_456, likes: 789, updated_at: 1_780_000_000, tags: ['gguf'], license: 'apache-2.0', gated: false, recommended: false, ...extra,
});
const pick = (id: string, kind: RecommendedRepo['kind'], note: string): RecommendedRepo => ({ ...repo(id), recommended: true, kind, note });
const quant = (quantization: string, size: number, need: number, verdict: HubQuantization['fit']['verdict'], recommended = false): HubQuantization => ({
  quantization, files: [{ name: `m.${quantization}.gguf`, size_bytes: size, sha256: 'ab'.repeat(32) }], size_bytes: size, recommended,
  fit: { ram_needed_bytes: need, free_ram_bytes: 8 * GB, free_disk_bytes: 100 * GB, verdict, gpu_layers: null },
});
const detail: HubRepoDetail = {
  ...repo('acme/tiny-chat-GGUF'), gated: true,
  metadata: { architecture: 'llama', block_count: 22, head_count: 32, head_count_kv: 4, embedding_length: 2048, context_length: 4096 },
  quantizations: [quant('Q4_K_M', 0.7 * GB, 1.2 * GB, 'fits', true), quant('Q8_0', 6 * GB, 7.5 * GB, 'tight'), quant('F16', 12 * GB, 14 * GB, 'wont_fit')],
  free_ram_bytes: 8 * GB, free_disk_bytes: 100 * GB,
};
const pullOf = (quantization: string, extra: Partial<Pull> = {}): Pull => ({
  id: 'pull_1', object: 'model.pull', model: `hf.co/acme/tiny-chat-GGUF:${quantization}`, repo: 'acme/tiny-chat-GGUF', quantization, files: [],
  status: 'downloading', bytes_total: 1000, bytes_done: 250, rate_bytes_per_second: 100, eta_seconds: 8, error: null, model_id: null,
  created_at: 1, updated_at: 1, ...extra,
});
const json = (status: number, message: string) =>
  () => new Response(JSON.stringify({ error: { message, type: 'server_error', param: null, code: null } }), { status });

const HUB = capabilities('GET /v1/hub/models', 'GET /v1/models/pulls');

function hubServer() {
  const searches: Record<string, string>[] = [];
  const pulls: Pull[] = [];
  const bodies: unknown[] = [];
  const routes = {
    'GET /v1/hub/recommended': () => ({
      object: 'list',
      data: [pick('acme/small-instruct-GGUF', 'instruct', 'A 1B chat model'), pick('acme/coder-GGUF', 'coder', 'Writes code'), pick('acme/embed-GGUF', 'embedding', 'Vectors for search')],
    }),
    'GET /v1/hub/models': ({ query }: { query: URLSearchParams }) => {
      searches.push(Object.fromEntries(query));
      const page = query.get('cursor') === 'c2' ? [repo('acme/qwen-3-GGUF')] : [repo('acme/qwen-1-GGUF', { gated: true }), repo('acme/qwen-2-GGUF', { license: null })];
      return { object: 'list', data: page, next_cursor: query.get('cursor') ? null : 'c2' };
    },
    'GET /v1/hub/models/acme/tiny-chat-GGUF': () => detail,
    'GET /v1/models/pulls': () => ({ object: 'list', data: pulls }),
    'POST /v1/models/pull': ({ body }: { body: unknown }) => {
      bodies.push(body);
      const p = pullOf('Q4_K_M', { status: 'queued', bytes_done: 0 });
      pulls.push(p);
      return new Response(JSON.stringify(p), { status: 202 });
    },
  };
  return { routes, searches, pulls, bodies };
}

describe('Hub', () => {
  it('shows the recommended models grouped by kind while the search box is empty', async () => {
    const { calls } = renderPage(<Hub arg={undefined} />, { routes: hubServer().routes, capabilities: HUB });
    const chat = await screen.findByRole('list', { name: 'Chat and instructions' });
    expect(within(chat).getByRole('link', { name: 'acme/small-instruct-GGUF' }).getAttribute('href')).toBe('#/hub/acme/small-instruct-GGUF');
    expect(chat.textContent).toContain('A 1B chat model');
    expect(within(screen.getByRole('list', { name: 'Code' })).getByRole('link', { name: 'acme/coder-GGUF' })).toBeTruthy();
    expect(within(screen.getByRole('list', { name: 'Embeddings' })).getByText('Vectors for search')).toBeTruthy();
    expect(calls).not.toContain('GET /v1/hub/models');
  });

  it('searches once typing pauses, with the sort, and pages on with the cursor', async () => {
    const server = hubServer();
    renderPage(<Hub arg={undefined} />, { routes: server.routes, capabilities: HUB });
    const box = screen.getByLabelText('Search GGUF models on Hugging Face');
    for (const typed of ['q', 'qw', 'qwe', 'qwen']) fireEvent.change(box, { target: { value: typed } });
    const results = await screen.findByRole('table', { name: 'Results for qwen' });
    expect(server.searches).toEqual([{ search: 'qwen', sort: 'downloads', limit: '20' }]);
    const rows = within(results).getAllByRole('row').slice(1) as HTMLTableRowElement[];
    expect(rows.map((r) => r.cells[0]?.textContent)).toEqual(['qwen-1-GGUF', 'qwen-2-GGUF']);
    expect(rows[0]!.textContent).toContain('123k');
    expect(within(rows[0]!).getByText('Gated')).toBeTruthy();
    expect(within(rows[1]!).getByText('no license given')).toBeTruthy();
    expect(screen.queryByRole('list', { name: 'Chat and instructions' })).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'More results' }));
    await waitFor(() => expect(within(results).getAllByRole('row')).toHaveLength(4));
    expect(server.searches[1]).toEqual({ search: 'qwen', sort: 'downloads', limit: '20', cursor: 'c2' });
    expect(screen.queryByRole('button', { name: 'More results' })).toBeNull();

    fireEvent.change(screen.getByLabelText('Sort by'), { target: { value: 'likes' } });
    await waitFor(() => expect(server.searches.at(-1)).toEqual({ search: 'qwen', sort: 'likes', limit: '20' }));
  });

  it('shows a repository: its header facts, each quantization with its verdict in words, and why a download is not offered', async () => {
    renderPage(<Hub arg="acme/tiny-chat-GGUF" />, { routes: hubServer().routes, capabilities: HUB });
    expect(await screen.findByRole('heading', { level: 1, name: 'acme/tiny-chat-GGUF' })).toBeTruthy();
    const table = await screen.findByRole('table', { name: 'Quantizations' });
    const rows = within(table).getAllByRole('row').slice(1) as HTMLTableRowElement[];
    expect(rows.map((r) => r.cells[3]?.textContent)).toEqual(['✓Fits', '!Tight', "✕Won't fit"]);
    expect(rows.map((r) => r.cells[3]?.querySelector('.badge')?.getAttribute('data-state'))).toEqual(['ok', 'warn', 'bad']);
    expect(rows[0]!.cells[0]!.textContent).toContain('Recommended');
    expect(rows[1]!.cells[0]!.textContent).not.toContain('Recommended');
    expect(rows[2]!.cells[2]!.textContent).toBe('14.0 GB of 8.0 GB free');
    const f16 = within(rows[2]!).getByRole('button', { name: 'Download F16' }) as HTMLButtonElement;
    expect(f16.disabled).toBe(true);
    expect(rows[2]!.textContent!.replaceAll('\u00a0', ' ')).toContain('Needs 14.0 GB of memory, 8.0 GB free');
    expect((within(rows[1]!).getByRole('button', { name: 'Download Q8_0' }) as HTMLButtonElement).disabled).toBe(false);
    expect(within(table).queryByRole('columnheader', { name: 'GPU layers' })).toBeNull();
    expect(screen.getByText('Layers').nextElementSibling?.textContent).toBe('22');
    expect(screen.getByText('Context length').nextElementSibling?.textContent).toBe('4,096');
    expect(screen.getByText('Gated')).toBeTruthy();
  });

  it('shows the GPU layers column only where the server reports offload', async () => {
    const withGpu = { ...detail, quantizations: detail.quantizations.map((q, i) => ({ ...q, fit: { ...q.fit, gpu_layers: i === 0 ? 23 : 0 } })) };
    renderPage(<Hub arg="acme/tiny-chat-GGUF" />, { routes: { ...hubServer().routes, 'GET /v1/hub/models/acme/tiny-chat-GGUF': () => withGpu }, capabilities: HUB });
    const table = await screen.findByRole('table', { name: 'Quantizations' });
    expect(within(table).getByRole('columnheader', { name: 'GPU layers' })).toBeTruthy();
    expect((within(table).getAllByRole('row')[1] as HTMLTableRowElement).cells[4]!.textContent).toBe('23');
  });

  it('names the disk, not the memory, when a quantization is larger than the free disk', async () => {
    const small = { ...detail, free_disk_bytes: 3 * GB, quantizations: [{ ...quant('Q8_0', 6 * GB, 7 * GB, 'wont_fit'), fit: { ...quant('Q8_0', 6 * GB, 7 * GB, 'wont_fit').fit, free_disk_bytes: 3 * GB } }] };
    renderPage(<Hub arg="acme/tiny-chat-GGUF" />, { routes: { ...hubServer().routes, 'GET /v1/hub/models/acme/tiny-chat-GGUF': () => small }, capabilities: HUB });
    const button = (await screen.findByRole('button', { name: 'Download Q8_0' })) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(button.closest('tr')!.textContent!.replaceAll('\u00a0', ' ')).toContain('Needs 6.0 GB of disk, 3.0 GB free');
  });

  it('downloads with one click: the reference form is sent, the progress shows and the button says why it is off now', async () => {
    const server = hubServer();
    renderPage(<Hub arg="acme/tiny-chat-GGUF" />, { routes: server.routes, capabilities: HUB });
    fireEvent.click(await screen.findByRole('button', { name: 'Download Q4_K_M' }));
    expect(await screen.findByRole('progressbar', { name: 'Download of acme/tiny-chat-GGUF:Q4_K_M' })).toBeTruthy();
    expect(server.bodies).toEqual([{ model: 'hf.co/acme/tiny-chat-GGUF:Q4_K_M' }]);
    const row = screen.getByRole('button', { name: 'Download Q4_K_M' }).closest('tr')!;
    await waitFor(() => expect((within(row).getByRole('button', { name: 'Download Q4_K_M' }) as HTMLButtonElement).disabled).toBe(true));
    expect(row.textContent).toContain('Downloading now: see Downloads');
  });

  it('says the disk is too small in the server\'s words when the pull is refused (507)', async () => {
    const server = hubServer();
    const routes = { ...server.routes, 'POST /v1/models/pull': json(507, 'Not enough disk space: 6.0 GB needed, 2.0 GB free.') };
    renderPage(<Hub arg="acme/tiny-chat-GGUF" />, { routes, capabilities: HUB });
    fireEvent.click(await screen.findByRole('button', { name: 'Download Q8_0' }));
    expect((await screen.findByRole('alert')).textContent).toBe('The download did not start: Not enough disk space: 6.0 GB needed, 2.0 GB free.');
  });

  it('tells a member that downloads are for admins (the server refuses them the pulls), without an error', async () => {
    const routes = { ...hubServer().routes, 'GET /v1/models/pulls': json(403, 'This needs an admin.') };
    renderPage(<Hub arg="acme/tiny-chat-GGUF" />, { routes, capabilities: HUB });
    const button = (await screen.findByRole('button', { name: 'Download Q4_K_M' })) as HTMLButtonElement;
    await waitFor(() => expect(button.disabled).toBe(true));
    expect(button.closest('tr')!.textContent).toContain('Downloads are for admins');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says when the hub cannot be reached, in the server\'s words, and links to the import form', async () => {
    const message = 'The model hub (https://huggingface.co) could not be reached: connect timeout. Importing a local .gguf file still works.';
    const routes = { ...hubServer().routes, 'GET /v1/hub/recommended': json(503, message) };
    renderPage(<Hub arg={undefined} />, { routes, capabilities: HUB });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain(`The recommended models could not be read: ${message}`);
    expect(within(alert).getByRole('link').getAttribute('href')).toBe('#/models');
  });

  it('a missing repository is an error without the import hint (the hub answered)', async () => {
    const routes = { ...hubServer().routes, 'GET /v1/hub/models/acme/tiny-chat-GGUF': json(404, 'Repository acme/tiny-chat-GGUF not found.') };
    renderPage(<Hub arg="acme/tiny-chat-GGUF" />, { routes, capabilities: HUB });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('This repository could not be read: Repository acme/tiny-chat-GGUF not found.');
    expect(within(alert).queryByRole('link')).toBeNull();
  });

  it('says so on a server without the hub, and points to the import', async () => {
    const { calls } = renderPage(<Hub arg={undefined} />, { routes: hubServer().routes, capabilities: capabilities() });
    expect(screen.getByRole('note').textContent).toContain('The model hub: not available on this server yet');
    expect(within(screen.getByRole('note')).getByRole('link', { name: 'Models' }).getAttribute('href')).toBe('#/models');
    expect(calls).toEqual([]);
  });
});
