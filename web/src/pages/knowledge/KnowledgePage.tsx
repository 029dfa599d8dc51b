import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import {
  DEFAULT_CHUNK_OVERLAP,
  DEFAULT_CHUNK_SIZE,
  LANGUAGES,
  MAX_CHUNK_SIZE,
  MIN_CHUNK_SIZE,
  createKnowledgeBase,
  fetchKnowledgeBases,
  knowledgeKeys,
  storeKnowledgeBase,
  type KnowledgeBase,
  type NewKnowledgeBase,
} from '../../api/knowledge';
import { Badge } from '../../components/Badge';
import { Field, FormError, formErrors } from '../../components/Form';
import { NoWorkspace } from '../../components/NoWorkspace';
import { PageHeader } from '../../components/PageHeader';
import { QueryState } from '../../components/QueryState';
import { canEdit } from '../../roles';
import { sections } from '../../sections';
import { useCurrentWorkspace } from '../../workspace';
import { SearchPanel } from './SearchPanel';
import './knowledge.css';

const DESCRIPTION = sections.find((section) => section.path === '/knowledge')?.description;

const FIELDS = ['name', 'description', 'language', 'chunk_size', 'chunk_overlap'] as const;

/** "English" for "english"; "Simple (no stemming)" for "simple". */
export function languageLabel(language: string): string {
  if (language === 'simple') {
    return 'Simple (no stemming)';
  }
  return language.charAt(0).toUpperCase() + language.slice(1);
}

/** The page frame of the Knowledge section, or a note when there is no workspace. */
export function KnowledgeFrame({ children }: { children: (workspaceId: string) => ReactNode }) {
  const { current } = useCurrentWorkspace();
  if (current === null) {
    return <NoWorkspace title="Knowledge" description={DESCRIPTION} singular />;
  }
  return <>{children(current.id)}</>;
}

function toCount(value: string): number | undefined {
  const trimmed = value.trim();
  return /^\d+$/.test(trimmed) ? Number(trimmed) : undefined;
}

function NewKnowledgeBaseForm({ workspaceId, onCancel }: { workspaceId: string; onCancel: () => void }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [language, setLanguage] = useState('english');
  const [chunkSize, setChunkSize] = useState(String(DEFAULT_CHUNK_SIZE));
  const [chunkOverlap, setChunkOverlap] = useState(String(DEFAULT_CHUNK_OVERLAP));

  const mutation = useMutation({
    mutationFn: (input: NewKnowledgeBase) => createKnowledgeBase(workspaceId, input),
    onSuccess: (created) => {
      void storeKnowledgeBase(queryClient, workspaceId, created);
      void navigate(`/knowledge/${encodeURIComponent(created.id)}`);
    },
  });
  const errors = formErrors(mutation.error, FIELDS);
  const advancedError = errors.fields.chunk_size ?? errors.fields.chunk_overlap;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const input: NewKnowledgeBase = { name: name.trim(), description: description.trim(), language };
    const size = toCount(chunkSize);
    const overlap = toCount(chunkOverlap);
    if (size !== undefined) {
      input.chunk_size = size;
    }
    if (overlap !== undefined) {
      input.chunk_overlap = overlap;
    }
    mutation.mutate(input);
  };

  return (
    <section className="panel form-panel" aria-labelledby="new-kb-title">
      <h2 className="panel__title" id="new-kb-title">
        New knowledge base
      </h2>
      <FormError message={errors.message} />
      <form className="form form--wide" onSubmit={onSubmit} noValidate aria-labelledby="new-kb-title">
        <div className="form__grid">
          <Field label="Name" hint="For example “Help center” or “Returns policy”." error={errors.fields.name}>
            {(control) => (
              <input
                {...control}
                className="input"
                type="text"
                autoComplete="off"
                required
                maxLength={200}
                value={name}
                onChange={(event) => setName(event.target.value)}
              />
            )}
          </Field>
          <Field label="Language" hint="Used for word search: stemming and stop words." error={errors.fields.language}>
            {(control) => (
              <select {...control} className="select" value={language} onChange={(event) => setLanguage(event.target.value)}>
                {LANGUAGES.map((candidate) => (
                  <option key={candidate} value={candidate}>
                    {languageLabel(candidate)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <Field label="Description" hint="Optional: what it contains." error={errors.fields.description}>
          {(control) => (
            <textarea
              {...control}
              className="input"
              rows={2}
              maxLength={2000}
              value={description}
              onChange={(event) => setDescription(event.target.value)}
            />
          )}
        </Field>
        <details className="kb-advanced" open={advancedError !== undefined ? true : undefined}>
          <summary className="kb-advanced__summary">Advanced</summary>
          <div className="form__grid">
            <Field
              label="Chunk size"
              hint={`Characters per chunk, ${MIN_CHUNK_SIZE} to ${MAX_CHUNK_SIZE}.`}
              error={errors.fields.chunk_size}
            >
              {(control) => (
                <input
                  {...control}
                  className="input"
                  type="number"
                  min={MIN_CHUNK_SIZE}
                  max={MAX_CHUNK_SIZE}
                  step={50}
                  value={chunkSize}
                  onChange={(event) => setChunkSize(event.target.value)}
                />
              )}
            </Field>
            <Field
              label="Chunk overlap"
              hint="Characters repeated between chunks, at most half the size."
              error={errors.fields.chunk_overlap}
            >
              {(control) => (
                <input
                  {...control}
                  className="input"
                  type="number"
                  min={0}
                  step={10}
                  value={chunkOverlap}
                  onChange={(event) => setChunkOverlap(event.target.value)}
                />
              )}
            </Field>
          </div>
        </details>
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={mutation.isPending}>
            {mutation.isPending ? 'Creating…' : 'Create knowledge base'}
          </button>
          <button type="button" className="button" disabled={mutation.isPending} onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}

function KnowledgeBasesTable({ bases, canEdit }: { bases: KnowledgeBase[]; canEdit: boolean }) {
  if (bases.length === 0) {
    return (
      <section className="panel panel--empty" aria-label="No knowledge bases">
        <p className="panel__text">
          No knowledge bases yet.
          {canEdit ? ' Create one, then add your help center, policies and FAQs to it.' : ''}
        </p>
      </section>
    );
  }
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">Knowledge bases</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col" className="kb-num">
              Documents
            </th>
            <th scope="col" className="kb-num">
              Chunks
            </th>
            <th scope="col">Language</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {bases.map((base) => (
            <tr key={base.id} className={base.enabled ? undefined : 'table__row--faded'}>
              <th scope="row" className="table__primary">
                <Link to={`/knowledge/${encodeURIComponent(base.id)}`}>{base.name}</Link>
                {base.description ? <span className="table__sub">{base.description}</span> : null}
              </th>
              <td className="kb-num">{base.document_count}</td>
              <td className="kb-num">{base.chunk_count}</td>
              <td>{languageLabel(base.language)}</td>
              <td>{base.enabled ? <Badge tone="ok">Enabled</Badge> : <Badge tone="neutral">Disabled</Badge>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function KnowledgeList({ workspaceId }: { workspaceId: string }) {
  const { current, role } = useCurrentWorkspace();
  const editable = canEdit(role);
  const [creating, setCreating] = useState(false);
  const query = useQuery({
    queryKey: knowledgeKeys.bases(workspaceId),
    queryFn: ({ signal }) => fetchKnowledgeBases(workspaceId, signal),
  });

  return (
    <>
      <PageHeader
        title="Knowledge"
        description={DESCRIPTION}
        actions={
          editable && !creating ? (
            <button type="button" className="button button--primary" onClick={() => setCreating(true)}>
              New knowledge base
            </button>
          ) : null
        }
      />
      <div className="stack">
        {editable ? null : (
          <p className="muted kb-readonly">
            You can look at the knowledge of {current?.name ?? 'this workspace'} and search it; editors can change it.
          </p>
        )}
        {creating ? <NewKnowledgeBaseForm workspaceId={workspaceId} onCancel={() => setCreating(false)} /> : null}
        <QueryState data={query.data} error={query.error} what="the knowledge bases">
          {(bases) => (
            <>
              <KnowledgeBasesTable bases={bases} canEdit={editable} />
              {bases.length > 0 ? (
                <SearchPanel workspaceId={workspaceId} title="Search all knowledge bases" />
              ) : null}
            </>
          )}
        </QueryState>
      </div>
    </>
  );
}

/** `/knowledge`: the knowledge bases of the current workspace. */
export function KnowledgePage() {
  return <KnowledgeFrame>{(workspaceId) => <KnowledgeList key={workspaceId} workspaceId={workspaceId} />}</KnowledgeFrame>;
}
