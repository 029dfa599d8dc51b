import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Role } from '../../api/auth';
import { jsonResponse, renderApp } from '../../test/render';
import { WORKSPACE_ID, errorResponse, fakeServer, sessionAs, urlOf, type Handler } from '../../test/server';
import { DOCUMENTS_PAGE_SIZE, PROGRESS_INTERVAL_IDLE_MS, PROGRESS_INTERVAL_RUNNING_MS, progressInterval } from './KnowledgeBasePage';

const BASE = {
  id: 7,
  name: 'Help center',
  description: 'Policies and FAQs',
  chunk_size: 1200,
  chunk_overlap: 150,
  language: 'english',
  enabled: true,
  resync_interval_hours: 24,
  document_count: 3,
  chunk_count: 42,
  created_at: '2026-11-22T02:52:00Z',
  updated_at: '2026-11-22T02:52:00Z',
};

const OTHER_BASE = { ...BASE, id: 8, name: 'Product sheets', description: '', language: 'french', enabled: false, document_count: 0, chunk_count: 0 };

function doc(extra: Record<string, unknown>) {
  return {
    id: 1,
    knowledge_base_id: 7,
    parent_id: null,
    source_type: 'file',
    title: 'Returns FAQ',
    url: '',
    filename: 'returns.md',
    format: 'markdown',
    status: 'ready',
    error: '',
    enabled: true,
    chunk_count: 6,
    chunks_embedded: 6,
    last_synced_at: null,
    created_at: '2026-11-22T02:52:00Z',
    updated_at: '2026-11-22T02:52:00Z',
    ...extra,
  };
}

const DOCUMENTS = [
  doc({}),
  doc({ id: 2, source_type: 'url', title: 'Shipping', url: 'https://help.acme.test/shipping', filename: '', format: 'html' }),
  doc({
    id: 3,
    source_type: 'text',
    title: 'Warranty',
    filename: '',
    status: 'failed',
    error: 'the embedding model is not reachable',
    chunk_count: 0,
    chunks_embedded: 0,
  }),
];

const PROGRESS = { documents: { done: 3, total: 5, failed: 1 }, chunks: { done: 40, total: 60 }, running: true, run: null };

const SEARCH = {
  results: [
    {
      chunk_id: 11,
      document_id: 1,
      knowledge_base_id: 7,
      title: 'Returns FAQ',
      title_path: 'Returns FAQ › How long do I have to return an item?',
      url: 'https://help.acme.test/returns',
      text: 'You can return any item within 30 days of delivery. Returns are free.',
      score: 0.0328,
      vector_score: 0.81,
      text_score: 0.12,
      vector_rank: 1,
      text_rank: 2,
    },
    {
      chunk_id: 12,
      document_id: 2,
      knowledge_base_id: 7,
      title: 'Shipping',
      title_path: 'Shipping',
      url: '',
      text: 'We ship within 2 business days.',
      score: 0.0161,
      vector_score: 0.42,
      text_score: 0,
      vector_rank: 2,
      text_rank: 0,
    },
  ],
  took_ms: 12.4,
  model: 'builtin-hash-v1',
};

const WORKSPACE = {
  id: WORKSPACE_ID,
  slug: 'acme-support',
  name: 'Acme Support',
  gorgias_domain: 'acme',
  managed_tags: [],
  role: 'owner',
  created_at: '2026-11-22T02:52:00Z',
  updated_at: '2026-11-22T02:52:00Z',
};

function routes(role: Role, extra: Record<string, Handler> = {}): Record<string, Handler> {
  return {
    'GET /api/workspaces': () => jsonResponse(200, [{ ...WORKSPACE, role }]),
    'GET /api/workspaces/:id/knowledge-bases': () => jsonResponse(200, [BASE, OTHER_BASE]),
    'GET /api/workspaces/:id/knowledge-bases/:kb': () => jsonResponse(200, BASE),
    'GET /api/workspaces/:id/knowledge-bases/:kb/progress': () => jsonResponse(200, PROGRESS),
    'GET /api/workspaces/:id/knowledge-bases/:kb/documents': () => jsonResponse(200, DOCUMENTS),
    'POST /api/workspaces/:id/knowledge/search': () => jsonResponse(200, SEARCH),
    ...extra,
  };
}

const KB_PATH = `/api/workspaces/${WORKSPACE_ID}/knowledge-bases/7`;

describe('Knowledge bases list', () => {
  it('lists the knowledge bases with their counts, language and state', async () => {
    fakeServer({ session: sessionAs('editor'), routes: routes('editor') });
    renderApp('/knowledge');

    const table = await screen.findByRole('table', { name: 'Knowledge bases' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    const [first, second] = rows;
    expect(within(first as HTMLElement).getByRole('link', { name: 'Help center' }).getAttribute('href')).toBe('/knowledge/7');
    expect(within(first as HTMLElement).getByText('Policies and FAQs')).toBeTruthy();
    expect(within(first as HTMLElement).getByText('42')).toBeTruthy();
    expect(within(first as HTMLElement).getByText('English')).toBeTruthy();
    expect(within(first as HTMLElement).getByText('Enabled')).toBeTruthy();
    expect(within(second as HTMLElement).getByText('French')).toBeTruthy();
    expect(within(second as HTMLElement).getByText('Disabled')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'New knowledge base' })).toBeTruthy();
  });

  it('shows 422 field errors beside the fields of the new knowledge base form', async () => {
    const server = fakeServer({
      session: sessionAs('editor'),
      routes: routes('editor', {
        'POST /api/workspaces/:id/knowledge-bases': () =>
          errorResponse(422, 'invalid', 'name: is required', {
            fields: { name: 'is required', chunk_size: 'must be from 200 to 8000 characters' },
          }),
      }),
    });
    renderApp('/knowledge');
    fireEvent.click(await screen.findByRole('button', { name: 'New knowledge base' }));
    fireEvent.change(screen.getByLabelText('Chunk size'), { target: { value: '50' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create knowledge base' }));

    const nameError = await screen.findByText('is required');
    const name = screen.getByLabelText('Name');
    expect(name.getAttribute('aria-invalid')).toBe('true');
    expect(name.getAttribute('aria-describedby')).toContain(nameError.id);
    const size = screen.getByLabelText('Chunk size');
    expect(size.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('must be from 200 to 8000 characters')).toBeTruthy();
    expect(size.closest('details')?.open).toBe(true);

    const [post] = server.callsTo('POST', `/api/workspaces/${WORKSPACE_ID}/knowledge-bases`);
    expect(post?.body).toEqual({ name: '', description: '', language: 'english', chunk_size: 50, chunk_overlap: 150 });
    expect(post?.headers['x-csrf-token']).toBe('csrf-editor');
  });

  it('opens a new knowledge base once created', async () => {
    fakeServer({
      session: sessionAs('owner'),
      routes: routes('owner', {
        'POST /api/workspaces/:id/knowledge-bases': ({ body }) =>
          jsonResponse(201, { ...BASE, ...(body as object), id: 7, document_count: 0, chunk_count: 0 }),
        'GET /api/workspaces/:id/knowledge-bases/:kb/progress': () =>
          jsonResponse(200, { documents: { done: 0, total: 0, failed: 0 }, chunks: { done: 0, total: 0 }, running: false }),
        'GET /api/workspaces/:id/knowledge-bases/:kb/documents': () => jsonResponse(200, []),
      }),
    });
    renderApp('/knowledge');
    fireEvent.click(await screen.findByRole('button', { name: 'New knowledge base' }));
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Returns' } });
    fireEvent.change(screen.getByLabelText('Language'), { target: { value: 'german' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create knowledge base' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Returns' })).toBeTruthy();
    expect(await screen.findByText('No documents yet.', { selector: '.kb-progress p' })).toBeTruthy();
    expect(screen.getByRole('tablist', { name: 'Add documents from' })).toBeTruthy();
  });
});

describe('Knowledge base page', () => {
  it('shows ingestion progress as done of total, with failures', async () => {
    fakeServer({ session: sessionAs('editor'), routes: routes('editor') });
    renderApp('/knowledge/7');

    const documents = await screen.findByRole('progressbar', { name: 'Documents' });
    // Failed documents count as processed: 3 ready + 1 failed of 5.
    expect(documents.getAttribute('value')).toBe('4');
    expect(documents.getAttribute('max')).toBe('5');
    expect(screen.getByText(/3 of 5 ready/)).toBeTruthy();
    expect(screen.getByText('1 failed')).toBeTruthy();
    const chunks = screen.getByRole('progressbar', { name: 'Chunks' });
    expect(chunks.getAttribute('value')).toBe('40');
    expect(chunks.getAttribute('max')).toBe('60');
    expect(screen.getByText('40 of 60 embedded · 66%')).toBeTruthy();
    expect(screen.getByText('Working')).toBeTruthy();
  });

  it('polls every second while ingesting, then every 10 seconds', () => {
    expect(progressInterval({ ...PROGRESS, running: true })).toBe(PROGRESS_INTERVAL_RUNNING_MS);
    expect(progressInterval({ ...PROGRESS, running: false })).toBe(PROGRESS_INTERVAL_IDLE_MS);
    expect(progressInterval(undefined)).toBe(PROGRESS_INTERVAL_IDLE_MS);
    expect(PROGRESS_INTERVAL_RUNNING_MS).toBe(1000);
    expect(PROGRESS_INTERVAL_IDLE_MS).toBe(10_000);
  });

  it('lists documents with status, error, and actions for editors', async () => {
    const server = fakeServer({
      session: sessionAs('editor'),
      routes: routes('editor', {
        'POST /api/workspaces/:id/knowledge-bases/:kb/documents/:doc/retry': () =>
          jsonResponse(202, { ...DOCUMENTS[2], status: 'pending', error: '' }),
        'PATCH /api/workspaces/:id/knowledge-bases/:kb/documents/:doc': ({ body }) =>
          jsonResponse(200, { ...DOCUMENTS[0], ...(body as object) }),
      }),
    });
    renderApp('/knowledge/7');

    const table = await screen.findByRole('table', { name: 'Documents' });
    const returns = within(table).getByRole('row', { name: /Returns FAQ/ });
    expect(within(returns).getByText('File (markdown)')).toBeTruthy();
    expect(within(returns).getByText('Ready')).toBeTruthy();
    expect(within(returns).getByText('returns.md')).toBeTruthy();
    expect(within(returns).queryByRole('button', { name: /Resync/ })).toBeNull();

    const shipping = within(table).getByRole('row', { name: /Shipping/ });
    expect(within(shipping).getByRole('link', { name: 'Shipping' }).getAttribute('href')).toBe('https://help.acme.test/shipping');
    expect(within(shipping).getByRole('button', { name: 'Resync Shipping' })).toBeTruthy();

    const warranty = within(table).getByRole('row', { name: /Warranty/ });
    expect(within(warranty).getByText('Failed')).toBeTruthy();
    expect(within(warranty).getByText('the embedding model is not reachable')).toBeTruthy();
    fireEvent.click(within(warranty).getByRole('button', { name: 'Retry Warranty' }));
    await waitFor(() => expect(server.callsTo('POST', `${KB_PATH}/documents/3/retry`)).toHaveLength(1));

    fireEvent.click(within(returns).getByRole('checkbox', { name: 'Use Returns FAQ' }));
    await waitFor(() => expect(server.callsTo('PATCH', `${KB_PATH}/documents/1`)).toHaveLength(1));
    expect(server.callsTo('PATCH', `${KB_PATH}/documents/1`)[0]?.body).toEqual({ enabled: false });

    fireEvent.click(within(returns).getByRole('button', { name: 'Delete Returns FAQ' }));
    expect(within(returns).getByRole('group', { name: 'Delete Returns FAQ?' })).toBeTruthy();
  });

  it('shows what Deskmate made of a document: its chunks, or the pages of a crawl', async () => {
    const crawl = doc({ id: 4, source_type: 'crawl', title: 'Help site', url: 'https://help.acme.test/', filename: '', format: '', pages: { total: 2, ready: 1, failed: 1 } });
    const server = fakeServer({
      session: sessionAs('viewer'),
      routes: routes('viewer', {
        'GET /api/workspaces/:id/knowledge-bases/:kb/documents': ({ url }) =>
          jsonResponse(
            200,
            url.searchParams.get('parent_id') === '4'
              ? [
                  doc({ id: 5, parent_id: 4, source_type: 'page', title: 'Returns', url: 'https://help.acme.test/returns', chunk_count: 3 }),
                  doc({ id: 6, parent_id: 4, source_type: 'page', title: '', url: 'https://help.acme.test/gone', status: 'failed', error: 'HTTP 404 Not Found' }),
                ]
              : [...DOCUMENTS, crawl],
          ),
        'GET /api/workspaces/:id/knowledge-bases/:kb/documents/:doc/chunks': () =>
          jsonResponse(200, [
            { id: 31, ord: 0, title_path: 'Returns FAQ', url: '', text: 'Returns are free.' },
            { id: 32, ord: 1, title_path: 'Returns FAQ › Refunds', url: 'https://help.acme.test/returns#refunds', text: 'Refunds take 5 days.' },
          ]),
      }),
    });
    renderApp('/knowledge/7');

    const table = await screen.findByRole('table', { name: 'Documents' });
    const show = within(table).getByRole('button', { name: 'Show chunks of Returns FAQ' });
    expect(show.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(show);
    const chunks = await screen.findByRole('list', { name: 'Chunks' });
    expect(within(chunks).getByText('Refunds take 5 days.')).toBeTruthy();
    expect(within(chunks).getByRole('link', { name: 'Returns FAQ › Refunds' }).getAttribute('href')).toBe(
      'https://help.acme.test/returns#refunds',
    );
    expect(server.callsTo('GET', `${KB_PATH}/documents/1/chunks`)[0]?.url.search).toBe('?limit=200');
    expect(within(table).getByRole('button', { name: 'Hide chunks of Returns FAQ' }).getAttribute('aria-expanded')).toBe('true');

    fireEvent.click(within(table).getByRole('button', { name: 'Show pages of Help site' }));
    const pages = await screen.findByRole('list', { name: 'Pages' });
    expect(screen.queryByRole('list', { name: 'Chunks' })).toBeNull();
    expect(within(pages).getByRole('link', { name: 'Returns' })).toBeTruthy();
    expect(within(pages).getByText('3 chunks')).toBeTruthy();
    expect(within(pages).getByText(/HTTP 404 Not Found/)).toBeTruthy();
  });

  it('edits a pasted text in place and renames other documents', async () => {
    const server = fakeServer({
      session: sessionAs('editor'),
      routes: routes('editor', {
        'GET /api/workspaces/:id/knowledge-bases/:kb/documents/:doc': () =>
          jsonResponse(200, { ...DOCUMENTS[2], text: 'Two years.\n\n## Exclusions\n\nAccidents.' }),
        'PATCH /api/workspaces/:id/knowledge-bases/:kb/documents/:doc': ({ params, body }) => {
          if ((body as { title?: string }).title === '') {
            return errorResponse(422, 'invalid', 'title: is required', { fields: { title: 'is required' } });
          }
          const old = DOCUMENTS.find((d) => d.id === Number(params.doc)) ?? DOCUMENTS[0];
          return jsonResponse(200, { ...old, ...(body as object), status: 'pending' });
        },
      }),
    });
    renderApp('/knowledge/7');
    const table = await screen.findByRole('table', { name: 'Documents' });

    // A text document: title and text, loaded from the server.
    fireEvent.click(within(table).getByRole('button', { name: 'Edit Warranty' }));
    const form = await screen.findByRole('form', { name: 'Edit Warranty' });
    const text = await within(form).findByLabelText('Text');
    expect((text as HTMLTextAreaElement).value).toBe('Two years.\n\n## Exclusions\n\nAccidents.');
    fireEvent.change(within(form).getByLabelText('Title'), { target: { value: '' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save' }));
    expect(await within(form).findByText('is required')).toBeTruthy();
    fireEvent.change(within(form).getByLabelText('Title'), { target: { value: 'Warranty' } });
    fireEvent.change(text, { target: { value: 'Three years.\n\n## Exclusions\n\nAccidents.' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save' }));
    expect(await screen.findByText(/Saved “Warranty”\. Its changed parts are being embedded again\./)).toBeTruthy();
    const patches = server.callsTo('PATCH', `${KB_PATH}/documents/3`);
    expect(patches.at(-1)?.body).toEqual({ text: 'Three years.\n\n## Exclusions\n\nAccidents.' });
    expect(screen.queryByRole('form', { name: 'Edit Warranty' })).toBeNull();

    // A file: its title only.
    fireEvent.click(within(table).getByRole('button', { name: 'Rename Returns FAQ' }));
    const rename = await screen.findByRole('form', { name: 'Edit Returns FAQ' });
    expect(within(rename).queryByLabelText('Text')).toBeNull();
    fireEvent.change(within(rename).getByLabelText('Title'), { target: { value: 'Returns and refunds' } });
    fireEvent.click(within(rename).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(server.callsTo('PATCH', `${KB_PATH}/documents/1`)).toHaveLength(1));
    expect(server.callsTo('PATCH', `${KB_PATH}/documents/1`)[0]?.body).toEqual({ title: 'Returns and refunds' });
  });

  it('pages through documents a hundred at a time', async () => {
    const many = Array.from({ length: 230 }, (_, i) => doc({ id: i + 1, title: `Article ${i + 1}`, filename: `article-${i + 1}.md` }));
    const server = fakeServer({
      session: sessionAs('editor'),
      routes: routes('editor', {
        'GET /api/workspaces/:id/knowledge-bases/:kb/documents': ({ url }) => {
          const offset = Number(url.searchParams.get('offset'));
          const limit = Number(url.searchParams.get('limit'));
          return jsonResponse(200, many.slice(offset, offset + limit));
        },
      }),
    });
    renderApp('/knowledge/7');

    const table = await screen.findByRole('table', { name: 'Documents' });
    expect(within(table).getAllByRole('row')).toHaveLength(DOCUMENTS_PAGE_SIZE + 1);
    expect(within(table).getByRole('row', { name: /Article 100\b/ })).toBeTruthy();
    expect(within(table).queryByRole('row', { name: /Article 101\b/ })).toBeNull();
    const pager = screen.getByRole('navigation', { name: 'Document pages' });
    expect(within(pager).getByText('Documents 1–100')).toBeTruthy();
    expect(within(pager).getByRole<HTMLButtonElement>('button', { name: 'Previous' }).disabled).toBe(true);

    fireEvent.click(within(pager).getByRole('button', { name: 'Next' }));
    fireEvent.click(await within(pager).findByRole('button', { name: 'Next' }));
    await waitFor(() => expect(within(pager).getByText('Documents 201–230')).toBeTruthy());
    expect(within(pager).getByRole<HTMLButtonElement>('button', { name: 'Next' }).disabled).toBe(true);
    const last = screen.getByRole('table', { name: 'Documents' });
    expect(within(last).getAllByRole('row')).toHaveLength(31);
    const asked = server.callsTo('GET', `${KB_PATH}/documents`).map((c) => c.url.search);
    expect(asked).toContain(`?limit=${DOCUMENTS_PAGE_SIZE + 1}&offset=0`);
    expect(asked).toContain(`?limit=${DOCUMENTS_PAGE_SIZE + 1}&offset=200`);
  });

  it('uploads files as multipart with the CSRF token', async () => {
    const server = fakeServer({
      session: sessionAs('editor'),
      routes: routes('editor', {
        'POST /api/workspaces/:id/knowledge-bases/:kb/uploads': () =>
          jsonResponse(201, {
            documents: [doc({ id: 9, status: 'pending' })],
            rejected: [{ filename: 'slides.pptx', error: 'slides.pptx: .pptx files are not supported' }],
          }),
      }),
    });
    renderApp('/knowledge/7');
    const input = await screen.findByLabelText('Files to upload');
    const file = new File(['# Returns\n\nWithin 30 days.'], 'returns.md', { type: 'text/markdown' });
    const other = new File(['x'], 'slides.pptx');
    fireEvent.change(input, { target: { files: [file, other] } });
    expect(within(screen.getByRole('list', { name: 'Chosen files' })).getByText(/returns\.md/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Upload 2 files' }));

    expect(await screen.findByText('Uploaded 1 file.')).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toContain('slides.pptx: slides.pptx: .pptx files are not supported');
    const call = server.fetch.mock.calls.find(([url]) => urlOf(url).endsWith('/knowledge-bases/7/uploads'));
    const init = call?.[1];
    expect(init?.body).toBeInstanceOf(FormData);
    const sent = (init?.body as FormData).getAll('file');
    expect(sent.map((part) => (part as File).name)).toEqual(['returns.md', 'slides.pptx']);
    const headers = new Headers(init?.headers);
    expect(headers.get('x-csrf-token')).toBe('csrf-editor');
    // The browser sets the multipart Content-Type with its boundary.
    expect(headers.get('content-type')).toBeNull();
  });

  it('shows field errors of the URL forms beside the fields', async () => {
    fakeServer({
      session: sessionAs('editor'),
      routes: routes('editor', {
        'POST /api/workspaces/:id/knowledge-bases/:kb/documents': () =>
          errorResponse(422, 'invalid', 'invalid', {
            fields: { url: 'must be an http or https URL', max_depth: 'must be from 0 to 10' },
          }),
      }),
    });
    renderApp('/knowledge/7');
    fireEvent.click(await screen.findByRole('tab', { name: 'Crawl' }));
    fireEvent.change(screen.getByLabelText('Start URL'), { target: { value: 'ftp://x' } });
    fireEvent.change(screen.getByLabelText('Max depth'), { target: { value: '99' } });
    fireEvent.click(screen.getByRole('button', { name: 'Start crawl' }));
    expect(await screen.findByText('must be an http or https URL')).toBeTruthy();
    expect(screen.getByLabelText('Start URL').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByLabelText('Max depth').getAttribute('aria-invalid')).toBe('true');
  });

  it('renders search results with highlighted words and scores', async () => {
    const server = fakeServer({ session: sessionAs('viewer'), routes: routes('viewer') });
    renderApp('/knowledge/7');

    const box = await screen.findByLabelText('Search question');
    fireEvent.change(box, { target: { value: 'how long to return <b>it</b>' } });
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));

    const list = await screen.findByRole('list', { name: 'Search results' });
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    const first = items[0] as HTMLElement;
    expect(within(first).getByRole('heading', { name: 'Returns FAQ › How long do I have to return an item?' })).toBeTruthy();
    expect(within(first).getByRole('link', { name: 'https://help.acme.test/returns' })).toBeTruthy();
    const marks = [...first.querySelectorAll('mark')].map((mark) => mark.textContent);
    expect(marks).toEqual(['return', 'Returns']);
    expect(first.querySelector('p.kb-result__text')?.textContent).toBe(SEARCH.results[0]?.text);
    expect(within(first).getByText('0.0328')).toBeTruthy();
    expect(within(first).getByText('#1')).toBeTruthy();
    expect(within(first).getByText('#2')).toBeTruthy();
    const second = items[1] as HTMLElement;
    expect(within(second).getByText('—')).toBeTruthy();
    expect(screen.getByText('2 results in 12 ms')).toBeTruthy();
    // Nothing of the query is ever parsed as HTML.
    expect(document.querySelector('.kb-results b')).toBeNull();

    const [post] = server.callsTo('POST', `/api/workspaces/${WORKSPACE_ID}/knowledge/search`);
    expect(post?.body).toEqual({ query: 'how long to return <b>it</b>', limit: 8, knowledge_base_ids: [7] });
  });
});

describe('Knowledge for viewers', () => {
  it('shows the list without write actions', async () => {
    fakeServer({ session: sessionAs('viewer'), routes: routes('viewer') });
    renderApp('/knowledge');
    await screen.findByRole('table', { name: 'Knowledge bases' });
    expect(screen.queryByRole('button', { name: 'New knowledge base' })).toBeNull();
    expect(screen.getByRole('search')).toBeTruthy();
  });

  it('shows a knowledge base without write actions', async () => {
    fakeServer({ session: sessionAs('viewer'), routes: routes('viewer') });
    renderApp('/knowledge/7');
    const table = await screen.findByRole('table', { name: 'Documents' });
    await screen.findByRole('progressbar', { name: 'Documents' });
    expect(screen.queryByRole('heading', { name: 'Add documents' })).toBeNull();
    expect(screen.queryByLabelText('Files to upload')).toBeNull();
    // Reading is all a viewer can do: open a document's chunks.
    expect(within(table).queryAllByRole('button').map((b) => b.textContent)).toEqual(['Show chunks', 'Show chunks', 'Show chunks']);
    expect(within(table).queryAllByRole('checkbox')).toHaveLength(0);
    expect(screen.queryByRole('button', { name: /Delete|Disable|Retry|Resync/ })).toBeNull();
    expect(within(table).getByText('the embedding model is not reachable')).toBeTruthy();
  });

  it('explains a knowledge base that is not in the workspace', async () => {
    fakeServer({
      session: sessionAs('viewer'),
      routes: routes('viewer', {
        'GET /api/workspaces/:id/knowledge-bases/:kb': () => errorResponse(404, 'not_found', 'knowledge base not found'),
      }),
    });
    renderApp('/knowledge/99');
    expect(await screen.findByRole('heading', { level: 1, name: 'Knowledge base not found' })).toBeTruthy();
  });
});
