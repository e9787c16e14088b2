import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { MediaFile } from '../api/index.js';
import { capabilities } from '../test/fixtures.js';
import { renderPage } from '../test/render.js';
import { Media } from './Media.js';

const file = (id: string, filename: string): MediaFile => ({ id, object: 'file', filename, mime_type: 'application/pdf', bytes: 2048, sha256: 'ab', created_at: 1_767_000_000 });

function server() {
  const files = [file('jan_1', 'invoice.pdf'), file('jan_2', 'scan.png')];
  return {
    routes: {
      'GET /v1/media/files': () => ({ object: 'list', data: files, first_id: null, last_id: null, has_more: false }),
      'DELETE /v1/media/files/jan_1': () => {
        files.splice(0, 1);
        return { id: 'jan_1', object: 'file.deleted', deleted: true };
      },
      'POST /v1/media/files/jan_2/extract-text': () => new Response(JSON.stringify({ error: { message: 'OCR is busy', type: 'server_error', param: null, code: null } }), { status: 503 }),
    },
  };
}

const names = () => within(screen.getByRole('table', { name: 'Files' })).getAllByRole('row').slice(1).filter((r) => r.querySelector('.mono')).map((r) => r.querySelector('td div')?.textContent);

describe('Media', () => {
  it('deletes a file after a confirmation and lists what is left', async () => {
    renderPage(<Media />, { routes: server().routes, capabilities: capabilities('GET /v1/media/files') });
    fireEvent.click(await screen.findByRole('button', { name: 'Delete invoice.pdf' }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(names()).toEqual(['scan.png']));
  });

  it('says why extracting the text failed, under the file', async () => {
    renderPage(<Media />, { routes: server().routes, capabilities: capabilities('GET /v1/media/files') });
    fireEvent.click(await screen.findByRole('button', { name: 'Extract text from scan.png' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Extraction failed: OCR is busy');
    expect(screen.getByRole('button', { name: 'Extract text from scan.png' }).textContent).toBe('Extract text');
  });
});
