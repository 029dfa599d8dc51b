import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { POST_ACTION_LABELS } from '../../api/automations';
import { ApiError } from '../../api/client';
import {
  MAX_EXCLUDED_TAGS,
  MAX_SMART_DESCRIPTION,
  MAX_SMART_INSTRUCTIONS,
  SMART_TAG_POST_ACTIONS,
  createSmartTag,
  deleteSmartTag,
  fetchTagConfig,
  invalidateTags,
  saveExcludedTags,
  saveSystemTagNames,
  tagKeys,
  updateSmartTag,
  type SmartTag,
  type SmartTagInput,
  type TagConfig,
} from '../../api/tags';
import { MAX_TAG_LENGTH } from '../../api/workspaces';
import { ConfirmButton } from '../../components/ConfirmButton';
import { Field, FormError, ReadOnlyNote, SavedNote, errorText, formErrors } from '../../components/Form';
import { NoWorkspace } from '../../components/NoWorkspace';
import { PageHeader } from '../../components/PageHeader';
import { QueryState } from '../../components/QueryState';
import { TagInput, withPendingTag } from '../../components/TagInput';
import { canEdit } from '../../roles';
import { useCurrentWorkspace } from '../../workspace';
import { CharCounter, PostActionSelect } from '../automations/shared';
import '../automations/automations.css';

const READ_ONLY = 'Only editors can change tags.';

function Chips({ tags, label }: { tags: readonly string[]; label: string }) {
  if (tags.length === 0) {
    return <span className="muted">None</span>;
  }
  return (
    <ul className="chips" aria-label={label}>
      {tags.map((tag) => (
        <li key={tag} className="chip">
          {tag}
        </li>
      ))}
    </ul>
  );
}

function ExcludedForm({ workspaceId, config, canEdit }: { workspaceId: string; config: TagConfig; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const [tags, setTags] = useState<string[]>(config.excluded);
  const [draft, setDraft] = useState('');
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (next: string[]) => saveExcludedTags(workspaceId, next),
    onSuccess: (updated) => {
      queryClient.setQueryData(tagKeys.config(workspaceId), updated);
      setTags(updated.excluded);
      setSaved(true);
    },
  });
  const errors = formErrors(save.error, ['excluded', 'tags']);
  const fieldError = [errors.fields.excluded, errors.fields.tags].filter((text) => text !== undefined).join(' ') || undefined;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaved(false);
    const all = withPendingTag(tags, draft);
    setTags(all);
    setDraft('');
    save.mutate(all);
  };

  return (
    <section className="panel form-panel">
      <h2 className="panel__title" id="excluded-title">
        Excluded tags
      </h2>
      <p className="panel__text">Deskmate never touches a ticket that carries one of these tags.</p>
      <FormError message={errors.message} />
      <form className="form" onSubmit={onSubmit} noValidate>
        <Field label="Excluded tags" error={fieldError}>
          {(control) => (
            <TagInput
              {...control}
              value={tags}
              onChange={setTags}
              draft={draft}
              onDraftChange={setDraft}
              disabled={!canEdit}
              max={MAX_EXCLUDED_TAGS}
              maxLength={MAX_TAG_LENGTH}
              placeholder="e.g. vip"
            />
          )}
        </Field>
        {canEdit ? (
          <div className="form__actions">
            <button type="submit" className="button button--primary" disabled={save.isPending}>
              {save.isPending ? 'Saving…' : 'Save excluded tags'}
            </button>
            <SavedNote show={saved && !save.isPending} />
          </div>
        ) : (
          <ReadOnlyNote>{READ_ONLY}</ReadOnlyNote>
        )}
      </form>
    </section>
  );
}

function SystemTagsForm({ workspaceId, config, canEdit }: { workspaceId: string; config: TagConfig; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const [names, setNames] = useState<Record<string, string>>(() =>
    Object.fromEntries(config.system.map((tag) => [tag.key, tag.name])),
  );
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (next: Record<string, string>) => saveSystemTagNames(workspaceId, next),
    onSuccess: (updated) => {
      queryClient.setQueryData(tagKeys.config(workspaceId), updated);
      setNames(Object.fromEntries(updated.system.map((tag) => [tag.key, tag.name])));
      setSaved(true);
    },
  });
  const fieldErrors = save.error instanceof ApiError ? save.error.fields : {};
  const known = new Set(config.system.map((tag) => `names.${tag.key}`));
  const other = Object.entries(fieldErrors).filter(([name]) => !known.has(name));
  const message =
    save.error === null
      ? null
      : other.length > 0
        ? other.map(([, text]) => text).join(' ')
        : Object.keys(fieldErrors).length === 0
          ? errorText(save.error)
          : null;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaved(false);
    save.mutate(Object.fromEntries(Object.entries(names).map(([key, name]) => [key, name.trim()])));
  };

  return (
    <section className="panel form-panel" aria-labelledby="system-title">
      <h2 className="panel__title" id="system-title">
        System tags
      </h2>
      <p className="panel__text">Tags Deskmate itself puts on tickets to say what it did. You may rename them.</p>
      <FormError message={message} />
      <form className="form form--wide" onSubmit={onSubmit} noValidate>
        <div className="table-wrap system-tags">
          <table className="table table--top">
            <caption className="visually-hidden">System tags</caption>
            <thead>
              <tr>
                <th scope="col">Meaning</th>
                <th scope="col">Default</th>
                <th scope="col">Name</th>
              </tr>
            </thead>
            <tbody>
              {config.system.map((tag) => {
                const error = fieldErrors[`names.${tag.key}`];
                const inputId = `system-tag-${tag.key}`;
                return (
                  <tr key={tag.key}>
                    <th scope="row">
                      <label htmlFor={inputId} className="mono">
                        {tag.key}
                      </label>
                      {tag.meaning ? <span className="table__sub tags-meaning">{tag.meaning}</span> : null}
                    </th>
                    <td className="mono">{tag.default}</td>
                    <td>
                      <input
                        id={inputId}
                        className="input"
                        type="text"
                        maxLength={MAX_TAG_LENGTH}
                        disabled={!canEdit}
                        aria-invalid={error ? true : undefined}
                        aria-describedby={error ? `${inputId}-error` : undefined}
                        value={names[tag.key] ?? ''}
                        onChange={(event) => setNames((old) => ({ ...old, [tag.key]: event.target.value }))}
                      />
                      {error ? (
                        <p className="field__error" id={`${inputId}-error`}>
                          {error}
                        </p>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        {canEdit ? (
          <div className="form__actions">
            <button type="submit" className="button button--primary" disabled={save.isPending}>
              {save.isPending ? 'Saving…' : 'Save system tag names'}
            </button>
            <SavedNote show={saved && !save.isPending} />
          </div>
        ) : (
          <ReadOnlyNote>{READ_ONLY}</ReadOnlyNote>
        )}
      </form>
    </section>
  );
}

const SMART_FIELDS = ['name', 'description', 'instructions', 'post_action'] as const;

function SmartTagForm({
  workspaceId,
  tag,
  onDone,
}: {
  workspaceId: string;
  tag: SmartTag | null;
  onDone: () => void;
}) {
  const queryClient = useQueryClient();
  const [value, setValue] = useState<SmartTagInput>({
    name: tag?.name ?? '',
    description: tag?.description ?? '',
    instructions: tag?.instructions ?? '',
    post_action: tag?.post_action ?? 'none',
  });
  const save = useMutation({
    mutationFn: (input: SmartTagInput) =>
      tag ? updateSmartTag(workspaceId, tag.id, input) : createSmartTag(workspaceId, input),
    onSuccess: () => {
      void invalidateTags(queryClient, workspaceId);
      onDone();
    },
  });
  const errors = formErrors(save.error, SMART_FIELDS);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    save.mutate({ ...value, name: value.name.trim() });
  };

  return (
    <div className="panel form-panel">
      <FormError message={errors.message} />
      <form className="form form--wide" onSubmit={onSubmit} noValidate aria-label={tag ? `Edit ${tag.name}` : 'New smart tag'}>
        <div className="form__grid">
          <Field label="Tag name" error={errors.fields.name}>
            {(control) => (
              <input
                {...control}
                className="input"
                type="text"
                maxLength={MAX_TAG_LENGTH}
                value={value.name}
                onChange={(event) => setValue((old) => ({ ...old, name: event.target.value }))}
              />
            )}
          </Field>
          <Field label="After tagging" error={errors.fields.post_action}>
            {(control) => (
              <PostActionSelect
                control={control}
                actions={SMART_TAG_POST_ACTIONS}
                value={value.post_action}
                onChange={(action) => setValue((old) => ({ ...old, post_action: action }))}
              />
            )}
          </Field>
        </div>
        <Field label="When to apply" hint="Describe the tickets that should get this tag." error={errors.fields.description}>
          {(control) => (
            <>
              <textarea
                {...control}
                className="input textarea"
                value={value.description}
                onChange={(event) => setValue((old) => ({ ...old, description: event.target.value }))}
              />
              <CharCounter length={value.description.length} max={MAX_SMART_DESCRIPTION} />
            </>
          )}
        </Field>
        <Field
          label="Contextual instructions"
          hint="What the agent should do differently on tickets with this tag."
          error={errors.fields.instructions}
        >
          {(control) => (
            <>
              <textarea
                {...control}
                className="input textarea"
                value={value.instructions}
                onChange={(event) => setValue((old) => ({ ...old, instructions: event.target.value }))}
              />
              <CharCounter length={value.instructions.length} max={MAX_SMART_INSTRUCTIONS} />
            </>
          )}
        </Field>
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : tag ? 'Save' : 'Add smart tag'}
          </button>
          <button type="button" className="button" onClick={onDone}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}

function SmartTags({ workspaceId, config, canEdit }: { workspaceId: string; config: TagConfig; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<string | null>(null);
  const remove = useMutation({
    mutationFn: (id: string) => deleteSmartTag(workspaceId, id),
    onSuccess: () => void invalidateTags(queryClient, workspaceId),
  });

  return (
    <section className="section" aria-labelledby="smart-title">
      <div className="section__head">
        <div>
          <h2 className="section__title" id="smart-title">
            Smart tags
          </h2>
          <p className="section__text">Tags the agent applies when a ticket fits their description.</p>
        </div>
        {canEdit && editing !== 'new' ? (
          <div className="section__actions">
            <button type="button" className="button button--primary" onClick={() => setEditing('new')}>
              New smart tag
            </button>
          </div>
        ) : null}
      </div>
      {remove.error ? (
        <div className="notice notice--danger" role="alert">
          {errorText(remove.error)}
        </div>
      ) : null}
      {editing === 'new' ? <SmartTagForm workspaceId={workspaceId} tag={null} onDone={() => setEditing(null)} /> : null}
      {config.smart.length === 0 ? (
        <section className="panel panel--empty" aria-label="No smart tags">
          <p className="panel__text">No smart tags yet.</p>
        </section>
      ) : (
        <div className="table-wrap">
          <table className="table table--top">
            <caption className="visually-hidden">Smart tags</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">When to apply</th>
                <th scope="col">Instructions</th>
                <th scope="col">After tagging</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {config.smart.map((tag) =>
                editing === tag.id ? (
                  <tr key={tag.id}>
                    <td colSpan={5}>
                      <SmartTagForm workspaceId={workspaceId} tag={tag} onDone={() => setEditing(null)} />
                    </td>
                  </tr>
                ) : (
                  <tr key={tag.id}>
                    <th scope="row" className="table__primary">
                      {tag.name}
                    </th>
                    <td className="am-pre">{tag.description || <span className="muted">—</span>}</td>
                    <td className="am-pre">{tag.instructions || <span className="muted">—</span>}</td>
                    <td>{POST_ACTION_LABELS[tag.post_action]}</td>
                    <td className="table__actions">
                      {canEdit ? (
                        <>
                          <button
                            type="button"
                            className="button button--small"
                            aria-label={`Edit ${tag.name}`}
                            onClick={() => setEditing(tag.id)}
                          >
                            Edit
                          </button>{' '}
                          <ConfirmButton
                            label="Delete"
                            accessibleLabel={`Delete ${tag.name}`}
                            question={`Delete ${tag.name}?`}
                            busy={remove.isPending && remove.variables === tag.id}
                            onConfirm={() => remove.mutate(tag.id)}
                          />
                        </>
                      ) : null}
                    </td>
                  </tr>
                ),
              )}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** The tags of the current workspace: managed (read here), excluded, system and smart tags. */
export function TagsPage() {
  const { current, role } = useCurrentWorkspace();
  const workspaceId = current?.id ?? '';
  const editable = canEdit(role);
  const config = useQuery({
    queryKey: tagKeys.config(workspaceId),
    queryFn: ({ signal }) => fetchTagConfig(workspaceId, signal),
    enabled: workspaceId !== '',
  });

  if (current === null) {
    return <NoWorkspace title="Tags" />;
  }

  return (
    <div key={workspaceId}>
      <PageHeader
        title="Tags"
        description="The Gorgias tags that decide which tickets Deskmate handles, and the tags it applies."
      />
      <QueryState data={config.data} error={config.error} what="the tags">
        {(data) => (
          <div className="stack">
            <section className="panel" aria-labelledby="managed-title">
              <h2 className="panel__title" id="managed-title">
                Managed tags
              </h2>
              <p className="panel__text">
                Deskmate handles the tickets that carry one of these tags. Change them in{' '}
                <Link to="/settings/general">Settings → General</Link>.
              </p>
              <div className="training__section">
                <Chips tags={data.managed} label="Managed tags" />
              </div>
            </section>
            <ExcludedForm workspaceId={workspaceId} config={data} canEdit={editable} />
            <SystemTagsForm workspaceId={workspaceId} config={data} canEdit={editable} />
            <SmartTags workspaceId={workspaceId} config={data} canEdit={editable} />
          </div>
        )}
      </QueryState>
    </div>
  );
}
