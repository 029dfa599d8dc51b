import { fireEvent, screen, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { sections } from '../sections';
import { jsonResponse, renderApp } from '../test/render';

const EXPECTED_SECTIONS = [
  'Knowledge',
  'Automations',
  'Instructions',
  'Tags',
  'Gorgias',
  'Playground',
  'Tickets',
  'Insights',
  'Settings',
  'Status',
];

describe('navigation', () => {
  beforeEach(() => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() =>
        Promise.resolve(
          jsonResponse(200, {
            status: 'ready',
            version: '0.1.0-dev',
            checks: { database: { status: 'ok', driver: 'pglite', embedded: true, latency_ms: 1 } },
          }),
        ),
      ),
    );
  });

  it('lists every section in order and marks the current one', () => {
    renderApp('/knowledge');

    const nav = screen.getByRole('navigation', { name: 'Main' });
    const links = within(nav).getAllByRole('link');
    expect(links.map((link) => link.textContent)).toEqual(EXPECTED_SECTIONS);
    expect(links.map((link) => link.getAttribute('href'))).toEqual(sections.map((section) => section.path));

    const current = links.filter((link) => link.getAttribute('aria-current') === 'page');
    expect(current).toHaveLength(1);
    expect(current[0]?.textContent).toBe('Knowledge');
  });

  it('shows the product name in the header', () => {
    renderApp('/knowledge');
    const banner = screen.getByRole('banner');
    expect(within(banner).getByText('Deskmate')).toBeTruthy();
  });

  it('moves the current marker when another section is chosen', () => {
    renderApp('/knowledge');
    const nav = screen.getByRole('navigation', { name: 'Main' });

    fireEvent.click(within(nav).getByRole('link', { name: 'Tags' }));

    expect(within(nav).getByRole('link', { name: 'Tags' }).getAttribute('aria-current')).toBe('page');
    expect(within(nav).getByRole('link', { name: 'Knowledge' }).getAttribute('aria-current')).toBeNull();
    expect(screen.getByRole('heading', { level: 1, name: 'Tags' })).toBeTruthy();
  });

  it.each(sections.filter((section) => !section.available).map((section) => [section.path, section] as const))(
    '%s is an honest placeholder',
    (path, section) => {
      renderApp(path);
      expect(screen.getByRole('heading', { level: 1, name: section.label })).toBeTruthy();
      expect(screen.getByText(section.description)).toBeTruthy();
      expect(screen.getByText('Not available in this version yet.')).toBeTruthy();
    },
  );

  it('describes the knowledge section', () => {
    renderApp('/knowledge');
    expect(screen.getByText('Knowledge bases: documents, URLs and FAQs the agent answers from.')).toBeTruthy();
  });

  it('redirects / to the Status page', async () => {
    renderApp('/');
    expect(await screen.findByRole('heading', { level: 1, name: 'Status' })).toBeTruthy();
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).getByRole('link', { name: 'Status' }).getAttribute('aria-current')).toBe('page');
  });

  it('shows Not found for unknown paths', () => {
    renderApp('/no/such/page');
    expect(screen.getByRole('heading', { level: 1, name: 'Page not found' })).toBeTruthy();
    expect(screen.getByText('/no/such/page')).toBeTruthy();
    const nav = screen.getByRole('navigation', { name: 'Main' });
    const current = within(nav)
      .getAllByRole('link')
      .filter((link) => link.getAttribute('aria-current') === 'page');
    expect(current).toHaveLength(0);
  });
});
