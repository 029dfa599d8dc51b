import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import {
  PROVIDERS,
  checkChatSettings,
  checkEmbeddingSettings,
  fetchModelSettings,
  saveModelSettings,
  settingsKeys,
  type ModelSettings,
  type ModelSettingsInput,
  type Provider,
} from '../../api/settings';
import { Field, FormError, ReadOnlyNote, SavedNote, formErrors } from '../../components/Form';
import { QueryState } from '../../components/QueryState';
import { canAdminister } from '../../roles';
import { useCurrentWorkspace } from '../../workspace';
import { SecretField } from './SecretField';

const FIELDS = ['provider', 'base_url', 'chat_model', 'embedding_model', 'api_key'] as const;

export const PROVIDER_LABELS: Record<Provider, string> = {
  builtin: 'Built-in (offline)',
  ollama: 'Ollama',
  openai: 'OpenAI-compatible',
};

const PROVIDER_HINTS: Record<Provider, string> = {
  builtin: 'Runs inside Deskmate without any outside service. Good for trying Deskmate; answers are basic.',
  ollama: 'Models served by an Ollama server you run.',
  openai: 'OpenAI or any service with an OpenAI-compatible API (vLLM, LiteLLM, Azure OpenAI, …).',
};

const BASE_URL_PLACEHOLDERS: Record<Provider, string> = {
  builtin: '',
  ollama: 'http://127.0.0.1:11434',
  openai: 'https://api.openai.com/v1',
};

function ModelForm({ workspaceId, settings, canEdit }: { workspaceId: string; settings: ModelSettings; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const [provider, setProvider] = useState<Provider>(settings.provider);
  const [baseUrl, setBaseUrl] = useState(settings.base_url);
  const [chatModel, setChatModel] = useState(settings.chat_model);
  const [embeddingModel, setEmbeddingModel] = useState(settings.embedding_model);
  const [apiKey, setApiKey] = useState('');
  const [saved, setSaved] = useState(false);

  const mutation = useMutation({
    mutationFn: (input: ModelSettingsInput) => saveModelSettings(workspaceId, input),
    onSuccess: (updated) => {
      queryClient.setQueryData(settingsKeys.model(workspaceId), updated);
      setProvider(updated.provider);
      setBaseUrl(updated.base_url);
      setChatModel(updated.chat_model);
      setEmbeddingModel(updated.embedding_model);
      setApiKey('');
      setSaved(true);
      check.reset();
      chatCheck.reset();
    },
  });
  const check = useMutation({ mutationFn: () => checkEmbeddingSettings(workspaceId) });
  const chatCheck = useMutation({ mutationFn: () => checkChatSettings(workspaceId) });
  const errors = formErrors(mutation.error, FIELDS);
  const builtin = provider === 'builtin';

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaved(false);
    const input: ModelSettingsInput = {
      provider,
      base_url: builtin ? '' : baseUrl.trim(),
      chat_model: chatModel.trim(),
      embedding_model: embeddingModel.trim(),
    };
    if (apiKey !== '' && !builtin) {
      input.api_key = apiKey;
    }
    mutation.mutate(input);
  };

  return (
    <section className="panel form-panel" aria-labelledby="model-form-title">
      <h2 className="panel__title" id="model-form-title">
        Language model
      </h2>
      <p className="panel__text">The model that writes answers, and the one that indexes knowledge for search.</p>
      <FormError message={errors.message} />
      <form className="form" onSubmit={onSubmit} noValidate aria-label="Model settings">
        <fieldset className="form__fieldset" disabled={!canEdit}>
          <Field label="Provider" hint={PROVIDER_HINTS[provider]} error={errors.fields.provider}>
            {(control) => (
              <select
                {...control}
                className="select"
                value={provider}
                onChange={(event) => {
                  const next = PROVIDERS.find((candidate) => candidate === event.target.value);
                  if (next) {
                    setProvider(next);
                  }
                }}
              >
                {PROVIDERS.map((candidate) => (
                  <option key={candidate} value={candidate}>
                    {PROVIDER_LABELS[candidate]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {builtin ? null : (
            <Field label="Base URL" hint="Where the provider's API is." error={errors.fields.base_url}>
              {(control) => (
                <input
                  {...control}
                  className="input input--mono"
                  type="url"
                  autoComplete="off"
                  spellCheck={false}
                  placeholder={BASE_URL_PLACEHOLDERS[provider]}
                  value={baseUrl}
                  onChange={(event) => setBaseUrl(event.target.value)}
                />
              )}
            </Field>
          )}
          <Field
            label="Chat model"
            hint={builtin ? 'Leave empty for the default.' : 'For example llama3.1:8b or gpt-4o-mini.'}
            error={errors.fields.chat_model}
          >
            {(control) => (
              <input
                {...control}
                className="input input--mono"
                type="text"
                autoComplete="off"
                spellCheck={false}
                value={chatModel}
                onChange={(event) => setChatModel(event.target.value)}
              />
            )}
          </Field>
          <Field
            label="Embedding model"
            hint={builtin ? 'Leave empty for the default.' : 'For example nomic-embed-text or text-embedding-3-small.'}
            error={errors.fields.embedding_model}
          >
            {(control) => (
              <input
                {...control}
                className="input input--mono"
                type="text"
                autoComplete="off"
                spellCheck={false}
                value={embeddingModel}
                onChange={(event) => setEmbeddingModel(event.target.value)}
              />
            )}
          </Field>
          {builtin ? null : (
            <SecretField
              label="API key"
              saved={settings.api_key_set}
              hint={settings.api_key_hint}
              value={apiKey}
              onChange={setApiKey}
              error={errors.fields.api_key}
              disabled={!canEdit}
            />
          )}
        </fieldset>
        {canEdit ? (
          <div className="form__actions">
            <button type="submit" className="button button--primary" disabled={mutation.isPending}>
              {mutation.isPending ? 'Saving…' : 'Save'}
            </button>
            <SavedNote show={saved && !mutation.isPending} />
            <button type="button" className="button" disabled={check.isPending} onClick={() => check.mutate()}>
              {check.isPending ? 'Checking…' : 'Check embeddings'}
            </button>
            <button type="button" className="button" disabled={chatCheck.isPending} onClick={() => chatCheck.mutate()}>
              {chatCheck.isPending ? 'Checking…' : 'Check chat'}
            </button>
          </div>
        ) : (
          <ReadOnlyNote />
        )}
        {check.data ? (
          check.data.ok ? (
            <p className="notice notice--success" role="status">
              The saved settings work: {check.data.embedding_model} answered with {check.data.dimensions} dimensions in{' '}
              {Math.round(check.data.took_ms)} ms.
            </p>
          ) : (
            <p className="notice notice--danger" role="alert">
              The saved settings do not work yet: {check.data.error}
            </p>
          )
        ) : null}
        {check.error ? <FormError message={formErrors(check.error, []).message} /> : null}
        {chatCheck.data ? (
          chatCheck.data.ok ? (
            <p className="notice notice--success" role="status">
              The chat model works: {chatCheck.data.chat_model} answered in {Math.round(chatCheck.data.took_ms)} ms.
            </p>
          ) : (
            <p className="notice notice--danger" role="alert">
              The chat model does not work yet{chatCheck.data.chat_model ? ` (${chatCheck.data.chat_model})` : ''}:{' '}
              {chatCheck.data.error}
            </p>
          )
        ) : null}
        {chatCheck.error ? <FormError message={formErrors(chatCheck.error, []).message} /> : null}
      </form>
      <div className={builtin ? 'notice notice--warning' : 'notice notice--info'} role="note" aria-label="Translation">
        <strong>Translation needs an LLM provider.</strong> The built-in provider works offline and cannot translate:
        with it, Deskmate answers in the language of the knowledge and automations, and hands a customer who writes in
        another language to a person. Choose Ollama or an OpenAI-compatible server to have replies written and
        translated.
      </div>
    </section>
  );
}

/** Model settings: provider, models and API key. Admins edit; others read. */
export function ModelSettingsTab() {
  const { current, role } = useCurrentWorkspace();
  const id = current?.id ?? '';
  const query = useQuery({
    queryKey: settingsKeys.model(id),
    queryFn: ({ signal }) => fetchModelSettings(id, signal),
    enabled: id !== '',
  });
  return (
    <QueryState data={query.data} error={query.error} what="the model settings">
      {(data) => <ModelForm workspaceId={id} settings={data} canEdit={canAdminister(role)} />}
    </QueryState>
  );
}
