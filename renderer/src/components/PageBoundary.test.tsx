import { render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { isStaleChunk, PageBoundary } from './PageBoundary.js';

function Broken(): never {
  throw new Error('boom');
}

describe('PageBoundary', () => {
  it('shows the failure of one page instead of a blank app', () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    render(<PageBoundary><Broken /></PageBoundary>);
    expect(screen.getByRole('alert').textContent).toBe('This page failed: boom');
    expect(screen.getByRole('button', { name: 'Reload' })).toBeTruthy();
    spy.mockRestore();
  });

  it('recognises a chunk that is gone after a rebuild', () => {
    expect(isStaleChunk(new TypeError('Failed to fetch dynamically imported module: http://x/assets/Sla-abc.js'))).toBe(true);
    expect(isStaleChunk(new Error('boom'))).toBe(false);
  });
});
