import { fireEvent, screen, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { sections } from '../sections';
import { renderApp } from '../test/render';
import { fakeServer } from '../test/server';

const EXPECTED_SECTIONS = [
  'Getting started',
  'Knowledge',
  'Automations',
  'Instructions',
  'Tags',
  'Gorgias',
  'Playground',
  'Sandbox',
  'Conversations',
  'Insights',
  'Workspaces',
  'Settings',
  'Status',
];

describe('navigation', () => {
  beforeEach(() => {
    fakeServer({ routes: { 'GET /api/workspaces': () => new Response('[]', { status: 200 }) } });
  });

  it('lists every section in order and marks the current one', async () => {
    renderApp('/knowledge');

    const nav = await screen.findByRole('navigation', { name: 'Main' });
    const links = within(nav).getAllByRole('link');
    expect(links.map((link) => link.textContent)).toEqual(EXPECTED_SECTIONS);
    expect(links.map((link) => link.getAttribute('href'))).toEqual(sections.map((section) => section.path));

    const current = links.filter((link) => link.getAttribute('aria-current') === 'page');
    expect(current).toHaveLength(1);
    expect(current[0]?.textContent).toBe('Knowledge');
  });

  it('shows the product name in the header', async () => {
    renderApp('/knowledge');
    const banner = await screen.findByRole('banner');
    expect(within(banner).getByText('Deskmate')).toBeTruthy();
  });

  it('moves the current marker when another section is chosen', async () => {
    renderApp('/knowledge');
    const nav = await screen.findByRole('navigation', { name: 'Main' });

    fireEvent.click(within(nav).getByRole('link', { name: 'Tags' }));

    expect(within(nav).getByRole('link', { name: 'Tags' }).getAttribute('aria-current')).toBe('page');
    expect(within(nav).getByRole('link', { name: 'Knowledge' }).getAttribute('aria-current')).toBeNull();
    expect(screen.getByRole('heading', { level: 1, name: 'Tags' })).toBeTruthy();
  });

  it.each(sections.filter((section) => !section.available).map((section) => [section.path, section] as const))(
    '%s is an honest placeholder',
    async (path, section) => {
      renderApp(path);
      expect(await screen.findByRole('heading', { level: 1, name: section.label })).toBeTruthy();
      expect(screen.getByText(section.description)).toBeTruthy();
      expect(screen.getByText('Not available in this version yet.')).toBeTruthy();
    },
  );

  it('describes the knowledge section', async () => {
    renderApp('/knowledge');
    expect(await screen.findByText('Knowledge bases: documents, URLs and FAQs the agent answers from.')).toBeTruthy();
  });

  it('opens on Getting started, marked as the only current section', async () => {
    renderApp('/');
    expect(await screen.findByRole('heading', { level: 1, name: 'Getting started' })).toBeTruthy();
    const nav = screen.getByRole('navigation', { name: 'Main' });
    const current = within(nav)
      .getAllByRole('link')
      .filter((link) => link.getAttribute('aria-current') === 'page');
    expect(current.map((link) => link.textContent)).toEqual(['Getting started']);
  });

  it('shows Not found for unknown paths', async () => {
    renderApp('/no/such/page');
    expect(await screen.findByRole('heading', { level: 1, name: 'Page not found' })).toBeTruthy();
    expect(screen.getByText('/no/such/page')).toBeTruthy();
    const nav = screen.getByRole('navigation', { name: 'Main' });
    const current = within(nav)
      .getAllByRole('link')
      .filter((link) => link.getAttribute('aria-current') === 'page');
    expect(current).toHaveLength(0);
  });
});
