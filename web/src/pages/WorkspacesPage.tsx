import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import {
  MAX_MANAGED_TAGS,
  MAX_TAG_LENGTH,
  createWorkspace,
  fetchWorkspaces,
  invalidateWorkspaces,
  slugify,
  workspaceKeys,
  type Workspace,
} from '../api/workspaces';
import { Badge } from '../components/Badge';
import { GorgiasDomainField, gorgiasSubdomain } from '../components/GorgiasDomainField';
import { Field, FormError, errorText, formErrors } from '../components/Form';
import { PageHeader } from '../components/PageHeader';
import { TagInput, withPendingTag } from '../components/TagInput';
import { ROLE_LABELS } from '../roles';
import { useSessionState } from '../session';
import { useCurrentWorkspace } from '../workspace';

const FIELDS = ['name', 'slug', 'gorgias_domain', 'managed_tags'] as const;

function NewWorkspaceForm({ onCreated, onCancel }: { onCreated: (workspace: Workspace) => void; onCancel: () => void }) {
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [slugEdited, setSlugEdited] = useState(false);
  const [domain, setDomain] = useState('');
  const [tags, setTags] = useState<string[]>([]);
  const [tagDraft, setTagDraft] = useState('');

  const mutation = useMutation({ mutationFn: createWorkspace, onSuccess: onCreated });
  const errors = formErrors(mutation.error, FIELDS);
  const shownSlug = slugEdited ? slug : slugify(name);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const allTags = withPendingTag(tags, tagDraft);
    setTags(allTags);
    setTagDraft('');
    mutation.mutate({
      name: name.trim(),
      slug: shownSlug,
      gorgias_domain: gorgiasSubdomain(domain),
      managed_tags: allTags,
    });
  };

  return (
    <section className="panel form-panel" aria-labelledby="new-workspace-title">
      <h2 className="panel__title" id="new-workspace-title">
        New workspace
      </h2>
      <FormError message={errors.message} />
      <form className="form form--wide" onSubmit={onSubmit} noValidate>
        <div className="form__grid">
          <Field label="Name" error={errors.fields.name}>
            {(control) => (
              <input
                {...control}
                className="input"
                type="text"
                required
                maxLength={200}
                value={name}
                onChange={(event) => setName(event.target.value)}
              />
            )}
          </Field>
          <Field
            label="Slug"
            hint="Short name used in links and API paths: lower case letters, digits and dashes."
            error={errors.fields.slug}
          >
            {(control) => (
              <input
                {...control}
                className="input input--mono"
                type="text"
                required
                maxLength={63}
                pattern="[a-z0-9][a-z0-9-]*"
                value={shownSlug}
                onChange={(event) => {
                  setSlugEdited(true);
                  setSlug(event.target.value.toLowerCase());
                }}
              />
            )}
          </Field>
          <GorgiasDomainField value={domain} onChange={setDomain} error={errors.fields.gorgias_domain} optional />
          <Field
            label="Managed tags"
            hint="Tickets with these Gorgias tags belong to this workspace. Press Enter or a comma after each tag."
            error={errors.fields.managed_tags}
          >
            {(control) => (
              <TagInput
                {...control}
                value={tags}
                onChange={setTags}
                draft={tagDraft}
                onDraftChange={setTagDraft}
                max={MAX_MANAGED_TAGS}
                maxLength={MAX_TAG_LENGTH}
                placeholder="e.g. ai-agent"
              />
            )}
          </Field>
        </div>
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={mutation.isPending}>
            {mutation.isPending ? 'Creating…' : 'Create workspace'}
          </button>
          <button type="button" className="button" onClick={onCancel} disabled={mutation.isPending}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}

/** The workspaces the user belongs to; the instance owner can create new ones here. */
export function WorkspacesPage() {
  const queryClient = useQueryClient();
  const { refresh } = useSessionState();
  const { current, isInstanceOwner, select } = useCurrentWorkspace();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<string | null>(null);

  const query = useQuery({ queryKey: workspaceKeys.list(), queryFn: ({ signal }) => fetchWorkspaces(signal) });

  const onCreated = (workspace: Workspace) => {
    setCreating(false);
    setCreated(workspace.name);
    select(workspace.id);
    queryClient.setQueryData<Workspace[]>(workspaceKeys.list(), (list) => [...(list ?? []), workspace]);
    void invalidateWorkspaces(queryClient);
    void refresh();
  };

  const actions = isInstanceOwner && !creating ? (
    <button
      type="button"
      className="button button--primary"
      onClick={() => {
        setCreating(true);
        setCreated(null);
      }}
    >
      New workspace
    </button>
  ) : null;

  let list;
  if (query.data) {
    list =
      query.data.length === 0 ? (
        <section className="panel panel--empty" aria-label="No workspaces">
          <p className="panel__text">
            {isInstanceOwner
              ? 'There is no workspace yet. Create one to connect a Gorgias account.'
              : 'You are not a member of any workspace yet. Ask an admin to invite you.'}
          </p>
        </section>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Workspaces</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Slug</th>
                <th scope="col">Your role</th>
                <th scope="col">Gorgias</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {query.data.map((workspace) => {
                const isCurrent = current?.id === workspace.id;
                return (
                  <tr key={workspace.id}>
                    <th scope="row" className="table__primary">
                      {workspace.name}
                      {isCurrent ? (
                        <>
                          {' '}
                          <Badge tone="ok">Current</Badge>
                        </>
                      ) : null}
                    </th>
                    <td className="mono">{workspace.slug}</td>
                    <td>{isInstanceOwner ? ROLE_LABELS.owner : ROLE_LABELS[workspace.role]}</td>
                    <td>
                      {workspace.gorgias_domain ? (
                        `${workspace.gorgias_domain}.gorgias.com`
                      ) : (
                        <span className="muted">Not set</span>
                      )}
                      {workspace.managed_tags.length > 0 ? (
                        <ul className="chips" aria-label={`Managed tags of ${workspace.name}`}>
                          {workspace.managed_tags.map((tag) => (
                            <li key={tag} className="chip">
                              {tag}
                            </li>
                          ))}
                        </ul>
                      ) : null}
                    </td>
                    <td className="table__actions">
                      {isCurrent ? null : (
                        <button
                          type="button"
                          className="button button--small"
                          aria-label={`Switch to ${workspace.name}`}
                          onClick={() => select(workspace.id)}
                        >
                          Switch to
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      );
  } else if (query.error) {
    list = (
      <div className="notice notice--danger" role="alert">
        Could not load the workspaces. {errorText(query.error)}
      </div>
    );
  } else {
    list = (
      <p className="loading" role="status">
        Loading workspaces…
      </p>
    );
  }

  return (
    <>
      <PageHeader
        title="Workspaces"
        description="Each workspace handles the tickets of one Gorgias account that carry its tags, with its own settings and members."
        actions={actions}
      />
      {created ? (
        <div className="notice notice--success" role="status">
          Created {created}. It is now the current workspace.
        </div>
      ) : null}
      {creating ? <NewWorkspaceForm onCreated={onCreated} onCancel={() => setCreating(false)} /> : null}
      {list}
    </>
  );
}
