import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import {
  fetchGorgiasConnection,
  saveGorgiasConnection,
  settingsKeys,
  type GorgiasConnection,
  type GorgiasConnectionInput,
} from '../../api/settings';
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
import { gorgiasSubdomain } from '../WorkspacesPage';
import { SecretField } from './SecretField';

const WORKSPACE_FIELDS = ['name', 'gorgias_domain', 'managed_tags'] as const;
const GORGIAS_FIELDS = ['domain', 'api_user', 'api_key'] as const;

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
          <Field
            label="Gorgias domain"
            hint={
              <>
                The account subdomain: <code>acme</code> for acme.gorgias.com.
              </>
            }
            error={errors.fields.gorgias_domain}
          >
            {(control) => (
              <input
                {...control}
                className="input"
                type="text"
                autoComplete="off"
                value={domain}
                onChange={(event) => setDomain(event.target.value)}
              />
            )}
          </Field>
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

function GorgiasForm({
  workspaceId,
  connection,
  canEdit,
}: {
  workspaceId: string;
  connection: GorgiasConnection;
  canEdit: boolean;
}) {
  const queryClient = useQueryClient();
  const [domain, setDomain] = useState(connection.domain);
  const [apiUser, setApiUser] = useState(connection.api_user);
  const [apiKey, setApiKey] = useState('');
  const [saved, setSaved] = useState(false);

  const mutation = useMutation({
    mutationFn: (input: GorgiasConnectionInput) => saveGorgiasConnection(workspaceId, input),
    onSuccess: (updated) => {
      queryClient.setQueryData(settingsKeys.gorgias(workspaceId), updated);
      setDomain(updated.domain);
      setApiUser(updated.api_user);
      setApiKey('');
      setSaved(true);
    },
  });
  const errors = formErrors(mutation.error, GORGIAS_FIELDS);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaved(false);
    const input: GorgiasConnectionInput = { domain: gorgiasSubdomain(domain), api_user: apiUser.trim() };
    if (apiKey !== '') {
      input.api_key = apiKey;
    }
    mutation.mutate(input);
  };

  return (
    <section className="panel form-panel" aria-labelledby="gorgias-form-title">
      <h2 className="panel__title" id="gorgias-form-title">
        Gorgias connection
      </h2>
      <p className="panel__text">
        Deskmate reads and answers tickets with a Gorgias API key (Gorgias: Settings → REST API).
      </p>
      <FormError message={errors.message} />
      <form className="form" onSubmit={onSubmit} noValidate>
        <fieldset className="form__fieldset" disabled={!canEdit}>
          <Field
            label="Domain"
            hint={
              <>
                <code>acme</code> for acme.gorgias.com.
              </>
            }
            error={errors.fields.domain}
          >
            {(control) => (
              <input
                {...control}
                className="input"
                type="text"
                autoComplete="off"
                value={domain}
                onChange={(event) => setDomain(event.target.value)}
              />
            )}
          </Field>
          <Field label="API user email" hint="The Gorgias user the API key belongs to." error={errors.fields.api_user}>
            {(control) => (
              <input
                {...control}
                className="input"
                type="email"
                autoComplete="off"
                value={apiUser}
                onChange={(event) => setApiUser(event.target.value)}
              />
            )}
          </Field>
          <SecretField
            label="API key"
            saved={connection.api_key_set}
            hint={connection.api_key_hint}
            value={apiKey}
            onChange={setApiKey}
            error={errors.fields.api_key}
            disabled={!canEdit}
          />
        </fieldset>
        {canEdit ? (
          <div className="form__actions">
            <button type="submit" className="button button--primary" disabled={mutation.isPending}>
              {mutation.isPending ? 'Saving…' : 'Save connection'}
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

/** General settings: the workspace itself and its Gorgias connection. */
export function GeneralSettings() {
  const { current, role } = useCurrentWorkspace();
  const id = current?.id ?? '';
  const canEdit = canAdminister(role);
  const workspace = useQuery({
    queryKey: workspaceKeys.detail(id),
    queryFn: ({ signal }) => fetchWorkspace(id, signal),
    enabled: id !== '',
  });
  const gorgias = useQuery({
    queryKey: settingsKeys.gorgias(id),
    queryFn: ({ signal }) => fetchGorgiasConnection(id, signal),
    enabled: id !== '',
  });

  return (
    <div className="stack">
      <QueryState data={workspace.data} error={workspace.error} what="the workspace">
        {(data) => <WorkspaceForm workspace={data} canEdit={canEdit} />}
      </QueryState>
      <QueryState data={gorgias.data} error={gorgias.error} what="the Gorgias connection">
        {(data) => <GorgiasForm workspaceId={id} connection={data} canEdit={canEdit} />}
      </QueryState>
    </div>
  );
}
