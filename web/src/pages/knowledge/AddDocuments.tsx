import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState, type DragEvent, type FormEvent, type KeyboardEvent } from 'react';
import {
  UPLOAD_EXTENSIONS,
  addDocument,
  invalidateKnowledgeBase,
  uploadFiles,
  type NewDocument,
  type RejectedUpload,
} from '../../api/knowledge';
import { Field, FormError, formErrors } from '../../components/Form';
import { DocumentFields } from './DocumentEditor';

type TabId = 'upload' | 'text' | 'url' | 'sitemap' | 'crawl';

const TABS: readonly { id: TabId; label: string }[] = [
  { id: 'upload', label: 'Upload files' },
  { id: 'text', label: 'Paste text' },
  { id: 'url', label: 'URL' },
  { id: 'sitemap', label: 'Sitemap' },
  { id: 'crawl', label: 'Crawl' },
];

interface FormProps {
  workspaceId: string;
  kbId: string;
  onAdded: (message: string) => void;
}

/** Refreshes what adding documents changes. */
function useRefreshKnowledge(workspaceId: string, kbId: string) {
  const queryClient = useQueryClient();
  return () => {
    void invalidateKnowledgeBase(queryClient, workspaceId, kbId);
  };
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) {
    return `${bytes} B`;
  }
  if (bytes < 1024 * 1024) {
    return `${Math.round(bytes / 1024)} KB`;
  }
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function UploadForm({ workspaceId, kbId, onAdded }: FormProps) {
  const refresh = useRefreshKnowledge(workspaceId, kbId);
  const inputRef = useRef<HTMLInputElement>(null);
  const [files, setFiles] = useState<File[]>([]);
  const [dragging, setDragging] = useState(false);
  const [rejected, setRejected] = useState<RejectedUpload[]>([]);
  const hintId = useId();

  const upload = useMutation({
    mutationFn: (chosen: File[]) => uploadFiles(workspaceId, kbId, chosen),
    onSuccess: (result) => {
      setFiles([]);
      setRejected(result.rejected);
      if (inputRef.current) {
        inputRef.current.value = '';
      }
      refresh();
      const count = result.documents.length;
      onAdded(count === 1 ? 'Uploaded 1 file.' : `Uploaded ${count} files.`);
    },
  });
  const errors = formErrors(upload.error, ['file']);

  const addFiles = (list: FileList | null) => {
    if (!list || list.length === 0) {
      return;
    }
    setRejected([]);
    upload.reset();
    setFiles([...list]);
  };

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    addFiles(event.dataTransfer.files);
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (files.length > 0) {
      upload.mutate(files);
    }
  };

  return (
    <form className="form form--wide" onSubmit={onSubmit} noValidate>
      <FormError message={errors.message} />
      <div
        className={dragging ? 'kb-drop kb-drop--active' : 'kb-drop'}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p className="kb-drop__text">Drop files here, or</p>
        <button type="button" className="button" onClick={() => inputRef.current?.click()}>
          Choose files
        </button>
        <input
          ref={inputRef}
          className="visually-hidden"
          tabIndex={-1}
          aria-label="Files to upload"
          type="file"
          multiple
          accept={UPLOAD_EXTENSIONS.join(',')}
          aria-describedby={hintId}
          aria-invalid={errors.fields.file ? true : undefined}
          onChange={(event) => addFiles(event.target.files)}
        />
        <p className="field__hint" id={hintId}>
          Markdown, text, HTML, PDF, CSV (question and answer columns) or Word .docx.
        </p>
      </div>
      {errors.fields.file ? <p className="field__error">{errors.fields.file}</p> : null}
      {files.length > 0 ? (
        <ul className="kb-files" aria-label="Chosen files">
          {files.map((file) => (
            <li key={`${file.name}-${file.size}`}>
              {file.name} <span className="muted">({formatBytes(file.size)})</span>
            </li>
          ))}
        </ul>
      ) : null}
      {rejected.length > 0 ? (
        <div className="notice notice--warning" role="alert">
          Some files were not added:
          <ul className="kb-files">
            {rejected.map((item) => (
              <li key={item.filename}>
                <strong>{item.filename}</strong>: {item.error}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={files.length === 0 || upload.isPending}>
          {upload.isPending ? 'Uploading…' : files.length > 1 ? `Upload ${files.length} files` : 'Upload'}
        </button>
      </div>
    </form>
  );
}

const TEXT_FIELDS = ['title', 'text', 'kind'] as const;

function TextForm({ workspaceId, kbId, onAdded }: FormProps) {
  const refresh = useRefreshKnowledge(workspaceId, kbId);
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const add = useMutation({
    mutationFn: (input: NewDocument) => addDocument(workspaceId, kbId, input),
    onSuccess: (doc) => {
      setTitle('');
      setText('');
      refresh();
      onAdded(`Added “${doc.title || 'text'}”.`);
    },
  });
  const errors = formErrors(add.error, TEXT_FIELDS);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    add.mutate({ kind: 'text', title: title.trim(), text });
  };

  return (
    <form className="form form--wide" onSubmit={onSubmit} noValidate aria-label="Paste text">
      <FormError message={errors.fields.kind ? `${errors.fields.kind}` : errors.message} />
      <DocumentFields title={title} onTitle={setTitle} text={text} onText={setText} errors={errors.fields} rows={10} />
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={add.isPending}>
          {add.isPending ? 'Adding…' : 'Add text'}
        </button>
      </div>
    </form>
  );
}

const WEB_FIELDS = ['url', 'max_pages', 'max_depth', 'kind'] as const;

const WEB_COPY: Record<'url' | 'sitemap' | 'crawl', { label: string; hint: string; button: string; placeholder: string }> = {
  url: {
    label: 'Page URL',
    hint: 'One web page, fetched again every day.',
    button: 'Add page',
    placeholder: 'https://help.example.com/returns',
  },
  sitemap: {
    label: 'Sitemap URL',
    hint: 'Every page listed in the sitemap, up to the maximum.',
    button: 'Add sitemap',
    placeholder: 'https://help.example.com/sitemap.xml',
  },
  crawl: {
    label: 'Start URL',
    hint: 'Follows links on the same site from this page.',
    button: 'Start crawl',
    placeholder: 'https://help.example.com/',
  },
};

function parseCount(value: string): number | undefined {
  const trimmed = value.trim();
  if (!/^\d+$/.test(trimmed)) {
    return undefined;
  }
  return Number(trimmed);
}

function WebForm({ workspaceId, kbId, onAdded, kind }: FormProps & { kind: 'url' | 'sitemap' | 'crawl' }) {
  const refresh = useRefreshKnowledge(workspaceId, kbId);
  const copy = WEB_COPY[kind];
  const [url, setUrl] = useState('');
  const [maxPages, setMaxPages] = useState(kind === 'sitemap' ? '200' : '50');
  const [maxDepth, setMaxDepth] = useState('3');
  const add = useMutation({
    mutationFn: (input: NewDocument) => addDocument(workspaceId, kbId, input),
    onSuccess: (doc) => {
      setUrl('');
      refresh();
      onAdded(`Added ${doc.url || 'the URL'}.`);
    },
  });
  const errors = formErrors(add.error, WEB_FIELDS);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const target = url.trim();
    const pages = parseCount(maxPages);
    const depth = parseCount(maxDepth);
    if (kind === 'url') {
      add.mutate({ kind, url: target });
    } else if (kind === 'sitemap') {
      add.mutate({ kind, url: target, ...(pages === undefined ? {} : { max_pages: pages }) });
    } else {
      add.mutate({
        kind,
        url: target,
        ...(pages === undefined ? {} : { max_pages: pages }),
        ...(depth === undefined ? {} : { max_depth: depth }),
      });
    }
  };

  return (
    <form className="form form--wide" onSubmit={onSubmit} noValidate aria-label={copy.button}>
      <FormError message={errors.fields.kind ? `${errors.fields.kind}` : errors.message} />
      <Field label={copy.label} hint={copy.hint} error={errors.fields.url}>
        {(control) => (
          <input
            {...control}
            className="input"
            type="url"
            inputMode="url"
            placeholder={copy.placeholder}
            maxLength={2048}
            value={url}
            onChange={(event) => setUrl(event.target.value)}
          />
        )}
      </Field>
      {kind !== 'url' ? (
        <div className="form__grid">
          <Field label="Max pages" hint="1 to 1000." error={errors.fields.max_pages}>
            {(control) => (
              <input
                {...control}
                className="input"
                type="number"
                min={1}
                max={1000}
                value={maxPages}
                onChange={(event) => setMaxPages(event.target.value)}
              />
            )}
          </Field>
          {kind === 'crawl' ? (
            <Field label="Max depth" hint="Links away from the start page, 0 to 10." error={errors.fields.max_depth}>
              {(control) => (
                <input
                  {...control}
                  className="input"
                  type="number"
                  min={0}
                  max={10}
                  value={maxDepth}
                  onChange={(event) => setMaxDepth(event.target.value)}
                />
              )}
            </Field>
          ) : null}
        </div>
      ) : null}
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={add.isPending}>
          {add.isPending ? 'Adding…' : copy.button}
        </button>
      </div>
    </form>
  );
}

/** Adding documents to a knowledge base: files, pasted text, a page, a sitemap or a crawl. */
export function AddDocuments({ workspaceId, kbId }: { workspaceId: string; kbId: string }) {
  const [tab, setTab] = useState<TabId>('upload');
  const [added, setAdded] = useState<string | null>(null);
  const baseId = useId();
  const tabRefs = useRef<Partial<Record<TabId, HTMLButtonElement | null>>>({});

  const select = (next: TabId) => {
    setTab(next);
    setAdded(null);
  };

  const onTabKey = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    let next: number | null = null;
    if (event.key === 'ArrowRight') {
      next = (index + 1) % TABS.length;
    } else if (event.key === 'ArrowLeft') {
      next = (index - 1 + TABS.length) % TABS.length;
    } else if (event.key === 'Home') {
      next = 0;
    } else if (event.key === 'End') {
      next = TABS.length - 1;
    }
    const target = next === null ? undefined : TABS[next];
    if (target) {
      event.preventDefault();
      select(target.id);
      tabRefs.current[target.id]?.focus();
    }
  };

  const props: FormProps = { workspaceId, kbId, onAdded: setAdded };

  return (
    <section className="panel kb-add" aria-labelledby={`${baseId}-title`}>
      <h2 className="panel__title" id={`${baseId}-title`}>
        Add documents
      </h2>
      <div className="tabs kb-add__tabs">
        <div className="tabs__list" role="tablist" aria-label="Add documents from">
          {TABS.map((item, index) => (
            <button
              key={item.id}
              ref={(element) => {
                tabRefs.current[item.id] = element;
              }}
              type="button"
              role="tab"
              id={`${baseId}-tab-${item.id}`}
              aria-selected={tab === item.id}
              aria-controls={`${baseId}-panel`}
              tabIndex={tab === item.id ? 0 : -1}
              className={tab === item.id ? 'tabs__link tabs__link--active kb-tab' : 'tabs__link kb-tab'}
              onClick={() => select(item.id)}
              onKeyDown={(event) => onTabKey(event, index)}
            >
              {item.label}
            </button>
          ))}
        </div>
      </div>
      <div role="tabpanel" id={`${baseId}-panel`} aria-labelledby={`${baseId}-tab-${tab}`}>
        {added ? (
          <div className="notice notice--success" role="status">
            {added}
          </div>
        ) : null}
        {tab === 'upload' ? <UploadForm {...props} /> : null}
        {tab === 'text' ? <TextForm {...props} /> : null}
        {tab === 'url' || tab === 'sitemap' || tab === 'crawl' ? <WebForm key={tab} {...props} kind={tab} /> : null}
      </div>
    </section>
  );
}
