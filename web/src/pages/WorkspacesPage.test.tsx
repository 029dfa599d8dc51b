import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { slugify } from '../api/workspaces';
import { jsonResponse, renderApp } from '../test/render';
import { WORKSPACE_ID, errorResponse, fakeServer, sessionAs } from '../test/server';
import { gorgiasSubdomain } from '../components/GorgiasDomainField';

const ACME = {
  id: WORKSPACE_ID,
  slug: 'acme-support',
  name: 'Acme Support',
  gorgias_domain: 'acme',
  managed_tags: ['ai-agent', 'vip'],
  role: 'owner',
  created_at: '2026-11-22T02:52:00Z',
  updated_at: '2026-11-22T02:52:00Z',
};

describe('Workspaces page', () => {
  it('lists workspaces with slug, role and Gorgias account', async () => {
    fakeServer({ routes: { 'GET /api/workspaces': () => jsonResponse(200, [ACME]) } });
    renderApp('/workspaces');
    const row = (await screen.findByRole('rowheader', { name: /Acme Support/ })).closest('tr') as HTMLElement;
    expect(within(row).getByText('acme-support')).toBeTruthy();
    expect(within(row).getByText('Owner')).toBeTruthy();
    expect(within(row).getByText('acme.gorgias.com')).toBeTruthy();
    expect(within(row).getByText('vip')).toBeTruthy();
    expect(within(row).getByText('Current')).toBeTruthy();
  });

  it('offers New workspace only to the instance owner', async () => {
    fakeServer({
      session: sessionAs('admin'),
      routes: { 'GET /api/workspaces': () => jsonResponse(200, [{ ...ACME, role: 'admin' }]) },
    });
    renderApp('/workspaces');
    await screen.findByRole('rowheader', { name: /Acme Support/ });
    expect(screen.queryByRole('button', { name: 'New workspace' })).toBeNull();
  });

  it('derives the slug from the name until it is edited, and shows field errors beside the fields', async () => {
    const server = fakeServer({
      routes: {
        'GET /api/workspaces': () => jsonResponse(200, [ACME]),
        'POST /api/workspaces': () =>
          errorResponse(422, 'invalid', 'slug: already taken', {
            fields: { slug: 'already taken', 'managed_tags[0]': 'vip is already managed by Acme Support' },
          }),
      },
    });
    renderApp('/workspaces');
    fireEvent.click(await screen.findByRole('button', { name: 'New workspace' }));

    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Café Déjà Vu!' } });
    const slug = screen.getByLabelText<HTMLInputElement>('Slug');
    expect(slug.value).toBe('cafe-deja-vu');
    fireEvent.change(slug, { target: { value: 'acme-support' } });
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Acme Two' } });
    expect(slug.value).toBe('acme-support');

    fireEvent.change(screen.getByLabelText('Gorgias domain'), { target: { value: 'https://acme.gorgias.com/' } });
    const tags = screen.getByLabelText('Managed tags');
    fireEvent.change(tags, { target: { value: 'vip' } });
    fireEvent.keyDown(tags, { key: 'Enter' });
    expect(screen.getByRole('button', { name: 'Remove tag vip' })).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Create workspace' }));

    const slugError = await screen.findByText('already taken');
    expect(slug.getAttribute('aria-invalid')).toBe('true');
    expect(slug.getAttribute('aria-describedby')).toContain(slugError.id);
    const tagError = screen.getByText('vip is already managed by Acme Support');
    expect(tags.getAttribute('aria-describedby')).toContain(tagError.id);
    expect(screen.queryByRole('alert')).toBeNull();

    expect(server.callsTo('POST', '/api/workspaces')[0]?.body).toEqual({
      name: 'Acme Two',
      slug: 'acme-support',
      gorgias_domain: 'acme',
      managed_tags: ['vip'],
    });
  });

  it('saves a tag still typed in the box with the form', async () => {
    const server = fakeServer({
      routes: {
        'GET /api/workspaces': () => jsonResponse(200, []),
        'POST /api/workspaces': ({ body }) => jsonResponse(201, { ...ACME, ...(body as object), id: 'ws_2' }),
      },
    });
    renderApp('/workspaces');
    fireEvent.click(await screen.findByRole('button', { name: 'New workspace' }));
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Beta' } });
    const tags = screen.getByLabelText('Managed tags');
    fireEvent.change(tags, { target: { value: 'a, B,' } });
    fireEvent.change(tags, { target: { value: 'b' } });
    fireEvent.keyDown(tags, { key: 'Enter' });
    fireEvent.change(tags, { target: { value: 'pending' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create workspace' }));
    await screen.findByText('Created Beta. It is now the current workspace.');
    expect(server.callsTo('POST', '/api/workspaces')[0]?.body).toEqual({
      name: 'Beta',
      slug: 'beta',
      managed_tags: ['a', 'B', 'pending'],
    });
  });

  it('makes slugs and subdomains from what people type', () => {
    expect(slugify('Acme Support')).toBe('acme-support');
    expect(slugify('  --Hello,  World--  ')).toBe('hello-world');
    expect(slugify('x'.repeat(80))).toHaveLength(63);
    expect(gorgiasSubdomain('Acme')).toBe('acme');
    expect(gorgiasSubdomain('acme.gorgias.com')).toBe('acme');
    expect(gorgiasSubdomain('https://acme.gorgias.com/app')).toBe('acme');
  });
});
