import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import {
  MAX_MANAGED_TAGS,
  MAX_TAG_LENGTH,
  fetchWorkspace,
  invalidateWorkspaces,
  updateWorkspace,
  workspaceKeys,
  type Workspace,
  type WorkspaceChanges,
} from '../../api/workspaces';
import { Field, FormError, ReadOnlyNote, SavedNote, formErrors } from '../../components/Form';
import { QueryState } from '../../components/QueryState';
import { TagInput, withPendingTag } from '../../components/TagInput';
import { canAdminister } from '../../roles';
import { useSessionState } from '../../session';
import { useCurrentWorkspace } from '../../workspace';
import { GorgiasDomainField, gorgiasSubdomain } from '../../components/GorgiasDomainField';

const WORKSPACE_FIELDS = ['name', 'gorgias_domain', 'managed_tags'] as const;

function WorkspaceForm({ workspace, canEdit }: { workspace: Workspace; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const { refresh } = useSessionState();
  const [name, setName] = useState(workspace.name);
  const [domain, setDomain] = useState(workspace.gorgias_domain);
  const [tags, setTags] = useState<string[]>(workspace.managed_tags);
  const [tagDraft, setTagDraft] = useState('');
  const [saved, setSaved] = useState(false);

  const mutation = useMutation({
    mutationFn: (changes: WorkspaceChanges) => updateWorkspace(workspace.id, changes),
    onSuccess: (updated) => {
      queryClient.setQueryData(workspaceKeys.detail(workspace.id), updated);
      setName(updated.name);
      setDomain(updated.gorgias_domain);
      setTags(updated.managed_tags);
      setSaved(true);
      void invalidateWorkspaces(queryClient);
      if (updated.name !== workspace.name) {
        void refresh();
      }
    },
  });
  const errors = formErrors(mutation.error, WORKSPACE_FIELDS);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaved(false);
    const allTags = withPendingTag(tags, tagDraft);
    setTags(allTags);
    setTagDraft('');
    mutation.mutate({ name: name.trim(), gorgias_domain: gorgiasSubdomain(domain), managed_tags: allTags });
  };

  return (
    <section className="panel form-panel" aria-labelledby="workspace-form-title">
      <h2 className="panel__title" id="workspace-form-title">
        Workspace
      </h2>
      <p className="panel__text">
        Slug <code>{workspace.slug}</code>
      </p>
      <FormError message={errors.message} />
      <form className="form" onSubmit={onSubmit} noValidate>
        <fieldset className="form__fieldset" disabled={!canEdit}>
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
          <GorgiasDomainField value={domain} onChange={setDomain} error={errors.fields.gorgias_domain} />
          <Field
            label="Managed tags"
            hint="Tickets with these Gorgias tags belong to this workspace."
            error={errors.fields.managed_tags}
          >
            {(control) => (
              <TagInput
                {...control}
                value={tags}
                onChange={setTags}
                draft={tagDraft}
                onDraftChange={setTagDraft}
                disabled={!canEdit}
                max={MAX_MANAGED_TAGS}
                maxLength={MAX_TAG_LENGTH}
                placeholder="e.g. ai-agent"
              />
            )}
          </Field>
        </fieldset>
        {canEdit ? (
          <div className="form__actions">
            <button type="submit" className="button button--primary" disabled={mutation.isPending}>
              {mutation.isPending ? 'Saving…' : 'Save'}
            </button>
            <SavedNote show={saved && !mutation.isPending} />
          </div>
        ) : (
          <ReadOnlyNote />
        )}
      </form>
    </section>
  );
}

/** Where the Gorgias connection is set up now: its own page. */
function GorgiasPointer() {
  return (
    <section className="panel" aria-labelledby="gorgias-pointer-title">
      <h2 className="panel__title" id="gorgias-pointer-title">
        Gorgias connection
      </h2>
      <p className="panel__text">
        The Gorgias account, its API key, the bot user and how Deskmate answers tickets are set on the{' '}
        <Link to="/gorgias">Gorgias</Link> page.
      </p>
    </section>
  );
}

/** General settings: the workspace itself, and where its Gorgias connection is. */
export function GeneralSettings() {
  const { current, role } = useCurrentWorkspace();
  const id = current?.id ?? '';
  const canEdit = canAdminister(role);
  const workspace = useQuery({
    queryKey: workspaceKeys.detail(id),
    queryFn: ({ signal }) => fetchWorkspace(id, signal),
    enabled: id !== '',
  });

  return (
    <div className="stack">
      <QueryState data={workspace.data} error={workspace.error} what="the workspace">
        {(data) => <WorkspaceForm workspace={data} canEdit={canEdit} />}
      </QueryState>
      <GorgiasPointer />
    </div>
  );
}
