import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import {
  CHANNELS,
  CHANNEL_LABELS,
  MAX_AUTOMATION_TAGS,
  MAX_GUIDANCE_LENGTH,
  MAX_PHRASES,
  MAX_PHRASE_LENGTH,
  MAX_RESPONSE_LENGTH,
  MIN_ACTIVE_PHRASES,
  POST_ACTIONS,
  RESPONSE_VARIABLES,
  automationKeys,
  createAutomation,
  deleteAutomation,
  fetchAutomation,
  invalidateAutomationList,
  storeAutomation,
  updateAutomation,
  type Automation,
  type AutomationInput,
} from '../../api/automations';
import { MAX_TAG_LENGTH } from '../../api/workspaces';
import { ConfirmButton } from '../../components/ConfirmButton';
import { Field, FormError, ReadOnlyNote, errorText, formErrors } from '../../components/Form';
import { NoWorkspace } from '../../components/NoWorkspace';
import { PageHeader } from '../../components/PageHeader';
import { QueryState } from '../../components/QueryState';
import { TagInput, withPendingTag } from '../../components/TagInput';
import { canEdit } from '../../roles';
import { useCurrentWorkspace } from '../../workspace';
import { CharCounter, PostActionSelect } from './shared';
import './automations.css';

const FIELDS = ['name', 'phrases', 'response', 'tags', 'post_action', 'channels', 'language', 'guidance', 'active'] as const;

const EMPTY: AutomationInput = {
  name: '',
  phrases: [],
  response: '',
  tags: [],
  post_action: 'none',
  channels: [],
  language: 'en',
  guidance: '',
  active: false,
};

function inputOf(automation: Automation): AutomationInput {
  const { id: _id, created_at: _created, updated_at: _updated, ...input } = automation;
  return input;
}

/** Adds `text` to `phrases` with spaces collapsed, unless it is empty or already there (any case). */
export function addPhrase(phrases: readonly string[], text: string): string[] {
  const phrase = text.replace(/\s+/g, ' ').trim().slice(0, MAX_PHRASE_LENGTH);
  if (phrase === '' || phrases.length >= MAX_PHRASES || phrases.some((p) => p.toLowerCase() === phrase.toLowerCase())) {
    return [...phrases];
  }
  return [...phrases, phrase];
}

interface PhrasesProps {
  phrases: string[];
  onChange: (phrases: string[]) => void;
  draft: string;
  onDraftChange: (text: string) => void;
  error: string | undefined;
  disabled: boolean;
}

/** The learning phrases: a list with Remove buttons and a box to add one more. */
function PhrasesEditor({ phrases, onChange, draft, onDraftChange, error, disabled }: PhrasesProps) {
  const count = phrases.length;
  const enough = count >= MIN_ACTIVE_PHRASES;
  const add = () => {
    onChange(addPhrase(phrases, draft));
    onDraftChange('');
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      add();
    }
  };
  return (
    <div className="field phrases" role="group" aria-labelledby="phrases-label">
      <div className="phrases__head">
        <span className="field__label" id="phrases-label">
          Learning phrases
        </span>
        <span className={enough ? 'phrases__count phrases__count--ok' : 'phrases__count'} id="phrases-count" aria-live="polite">
          {count === 1 ? '1 phrase' : `${count} phrases`}
        </span>
      </div>
      <p className="field__hint" id="phrases-hint">
        Ways customers ask for this, one at a time. At least {MIN_ACTIVE_PHRASES} to activate
        {enough ? '.' : ` (${MIN_ACTIVE_PHRASES - count} more needed).`}
      </p>
      {count > 0 ? (
        <ul className="phrases__list" aria-label="Learning phrases">
          {phrases.map((phrase, index) => (
            <li key={phrase} className="phrases__item">
              <span>{phrase}</span>
              {disabled ? null : (
                <button
                  type="button"
                  className="button button--small button--quiet"
                  aria-label={`Remove phrase ${phrase}`}
                  onClick={() => onChange(phrases.filter((_, i) => i !== index))}
                >
                  Remove
                </button>
              )}
            </li>
          ))}
        </ul>
      ) : null}
      {disabled ? null : (
        <div className="phrases__add">
          <input
            className="input"
            type="text"
            aria-label="New learning phrase"
            aria-describedby={error ? 'phrases-hint phrases-error' : 'phrases-hint'}
            aria-invalid={error ? true : undefined}
            maxLength={MAX_PHRASE_LENGTH}
            placeholder="e.g. where is my order?"
            value={draft}
            onChange={(event) => onDraftChange(event.target.value)}
            onKeyDown={onKeyDown}
          />
          <button type="button" className="button" onClick={add} disabled={draft.trim() === ''}>
            Add phrase
          </button>
        </div>
      )}
      {error ? (
        <p className="field__error" id="phrases-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

interface FormProps {
  workspaceId: string;
  automation: Automation | null;
  canEdit: boolean;
}

function AutomationForm({ workspaceId, automation, canEdit }: FormProps) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [value, setValue] = useState<AutomationInput>(automation ? inputOf(automation) : EMPTY);
  const [phraseDraft, setPhraseDraft] = useState('');
  const [tagDraft, setTagDraft] = useState('');

  const set = <K extends keyof AutomationInput>(key: K, next: AutomationInput[K]) =>
    setValue((old) => ({ ...old, [key]: next }));

  const save = useMutation({
    mutationFn: (input: AutomationInput) =>
      automation ? updateAutomation(workspaceId, automation.id, input) : createAutomation(workspaceId, input),
    onSuccess: (saved) => {
      void storeAutomation(queryClient, workspaceId, saved);
      void navigate('/automations', { state: { saved: saved.name } });
    },
  });
  const remove = useMutation({
    mutationFn: (automationId: string) => deleteAutomation(workspaceId, automationId),
    onSuccess: () => {
      void invalidateAutomationList(queryClient, workspaceId);
      void navigate('/automations');
    },
  });
  const errors = formErrors(save.error, FIELDS);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const input: AutomationInput = {
      ...value,
      name: value.name.trim(),
      phrases: addPhrase(value.phrases, phraseDraft),
      tags: withPendingTag(value.tags, tagDraft),
      language: value.language.trim() === '' ? 'en' : value.language.trim(),
    };
    setValue(input);
    setPhraseDraft('');
    setTagDraft('');
    save.mutate(input);
  };

  const toggleChannel = (channel: string, on: boolean) =>
    set('channels', on ? [...value.channels, channel] : value.channels.filter((c) => c !== channel));

  return (
    <section className="panel form-panel" aria-label="Automation">
      <FormError message={errors.message} />
      <form className="form am-form" onSubmit={onSubmit} noValidate aria-label="Automation">
        <fieldset className="form__fieldset" disabled={!canEdit}>
          <Field label="Name" error={errors.fields.name}>
            {(control) => (
              <input
                {...control}
                className="input"
                type="text"
                required
                maxLength={100}
                value={value.name}
                onChange={(event) => set('name', event.target.value)}
              />
            )}
          </Field>
          <PhrasesEditor
            phrases={value.phrases}
            onChange={(phrases) => set('phrases', phrases)}
            draft={phraseDraft}
            onDraftChange={setPhraseDraft}
            error={errors.fields.phrases}
            disabled={!canEdit}
          />
          <Field
            label="Response"
            hint={
              <>
                The answer sent to the customer. Available variables:{' '}
                {RESPONSE_VARIABLES.map((variable, index) => (
                  <span key={variable}>
                    {index > 0 ? ', ' : ''}
                    <code>{variable}</code>
                  </span>
                ))}
                .
              </>
            }
            error={errors.fields.response}
          >
            {(control) => (
              <>
                <textarea
                  {...control}
                  className="input textarea textarea--tall"
                  value={value.response}
                  onChange={(event) => set('response', event.target.value)}
                />
                <CharCounter length={value.response.length} max={MAX_RESPONSE_LENGTH} />
              </>
            )}
          </Field>
          <Field label="Tags" hint="Added to the ticket when this automation answers." error={errors.fields.tags}>
            {(control) => (
              <TagInput
                {...control}
                value={value.tags}
                onChange={(tags) => set('tags', tags)}
                draft={tagDraft}
                onDraftChange={setTagDraft}
                disabled={!canEdit}
                max={MAX_AUTOMATION_TAGS}
                maxLength={MAX_TAG_LENGTH}
                placeholder="e.g. order-status"
              />
            )}
          </Field>
          <div className="form__grid">
            <Field label="After answering" error={errors.fields.post_action}>
              {(control) => (
                <PostActionSelect
                  control={control}
                  actions={POST_ACTIONS}
                  value={value.post_action}
                  onChange={(action) => set('post_action', action)}
                />
              )}
            </Field>
            <Field label="Language" hint="ISO 639 code, such as en or fr." error={errors.fields.language}>
              {(control) => (
                <input
                  {...control}
                  className="input"
                  type="text"
                  maxLength={10}
                  value={value.language}
                  onChange={(event) => set('language', event.target.value)}
                />
              )}
            </Field>
          </div>
          <fieldset className="checkboxes" aria-describedby={errors.fields.channels ? 'channels-error' : 'channels-hint'}>
            <legend>Channels</legend>
            {CHANNELS.map((channel) => (
              <label key={channel} className="toggle">
                <input
                  type="checkbox"
                  checked={value.channels.includes(channel)}
                  onChange={(event) => toggleChannel(channel, event.target.checked)}
                />
                {CHANNEL_LABELS[channel]}
              </label>
            ))}
          </fieldset>
          <p className="field__hint" id="channels-hint">
            None checked: every channel.
          </p>
          {errors.fields.channels ? (
            <p className="field__error" id="channels-error">
              {errors.fields.channels}
            </p>
          ) : null}
          <Field label="Guidance" hint="Extra instructions for the agent when this automation applies." error={errors.fields.guidance}>
            {(control) => (
              <>
                <textarea
                  {...control}
                  className="input textarea"
                  value={value.guidance}
                  onChange={(event) => set('guidance', event.target.value)}
                />
                <CharCounter length={value.guidance.length} max={MAX_GUIDANCE_LENGTH} />
              </>
            )}
          </Field>
          <div className="field">
            <label className="toggle">
              <input
                type="checkbox"
                checked={value.active}
                aria-invalid={errors.fields.active ? true : undefined}
                aria-describedby={errors.fields.active ? 'active-error' : 'active-hint'}
                onChange={(event) => set('active', event.target.checked)}
              />
              Active
            </label>
            <p className="field__hint" id="active-hint">
              Active automations answer tickets and are used to train the AI model.
            </p>
            {errors.fields.active ? (
              <p className="field__error" id="active-error">
                {errors.fields.active}
              </p>
            ) : null}
          </div>
        </fieldset>
        {canEdit ? (
          <div className="form__actions">
            <button type="submit" className="button button--primary" disabled={save.isPending}>
              {save.isPending ? 'Saving…' : automation ? 'Save' : 'Create automation'}
            </button>
            <Link className="button am-button-link" to="/automations">
              Cancel
            </Link>
            {automation ? (
              <ConfirmButton
                label="Delete"
                accessibleLabel={`Delete ${automation.name}`}
                question={`Delete ${automation.name}?`}
                busy={remove.isPending}
                onConfirm={() => remove.mutate(automation.id)}
              />
            ) : null}
          </div>
        ) : (
          <ReadOnlyNote>Only editors can change automations.</ReadOnlyNote>
        )}
        {remove.error ? (
          <div className="notice notice--danger" role="alert">
            {errorText(remove.error)}
          </div>
        ) : null}
      </form>
    </section>
  );
}

/** Creates (`/automations/new`) or edits (`/automations/:automationId`) one automation. */
export function AutomationEditor() {
  const { automationId } = useParams();
  const { current, role } = useCurrentWorkspace();
  const workspaceId = current?.id ?? '';
  const isNew = automationId === undefined || automationId === 'new';
  const editable = canEdit(role);
  const query = useQuery({
    queryKey: automationKeys.detail(workspaceId, automationId ?? 'new'),
    queryFn: ({ signal }) => fetchAutomation(workspaceId, automationId ?? '', signal),
    enabled: workspaceId !== '' && !isNew,
  });

  if (current === null) {
    return <NoWorkspace title="Automations" />;
  }

  const back = (
    <Link className="button am-button-link" to="/automations">
      Back to automations
    </Link>
  );

  if (isNew) {
    return (
      <>
        <PageHeader title="New automation" actions={back} />
        {editable ? (
          <AutomationForm key={workspaceId} workspaceId={workspaceId} automation={null} canEdit />
        ) : (
          <ReadOnlyNote>Only editors can create automations.</ReadOnlyNote>
        )}
      </>
    );
  }

  return (
    <>
      <PageHeader title={query.data?.name ?? 'Automation'} actions={back} />
      <QueryState data={query.data} error={query.error} what="the automation">
        {(automation) => (
          <AutomationForm key={automation.id} workspaceId={workspaceId} automation={automation} canEdit={editable} />
        )}
      </QueryState>
    </>
  );
}
