import { useMutation, useQuery, useQueryClient, type UseMutationResult } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import {
  fetchGorgiasCredentials,
  gorgiasKeys,
  invalidateGorgias,
  saveGorgiasCredentials,
  setGorgiasBotUser,
  startGorgiasOAuth,
  storeGorgiasConnection,
  type BotUserInput,
  type GorgiasConnection,
  type GorgiasCredentials,
  type GorgiasCredentialsInput,
  type TestResult,
} from '../../api/gorgias';
import { Field, FormError, ReadOnlyNote, SavedNote, errorText, formErrors } from '../../components/Form';
import { QueryState } from '../../components/QueryState';
import { GorgiasDomainField, gorgiasSubdomain } from '../../components/GorgiasDomainField';
import { SecretField } from '../settings/SecretField';

/** One numbered step of the connect flow. */
export function Step({
  number,
  id,
  title,
  done,
  children,
}: {
  number: number;
  id: string;
  title: string;
  done: boolean;
  children: ReactNode;
}) {
  return (
    <li className="panel gg-step" aria-labelledby={`gg-step-${id}`}>
      <h2 className="panel__title gg-step__title" id={`gg-step-${id}`}>
        <span className={done ? 'gg-step__number gg-step__number--done' : 'gg-step__number'} aria-hidden="true">
          {done ? '✓' : number}
        </span>
        {title}
      </h2>
      {children}
    </li>
  );
}

// --- 1. Credentials -------------------------------------------------------------------------

const CREDENTIAL_FIELDS = ['domain', 'api_user', 'api_key'] as const;

function CredentialsForm({
  workspaceId,
  credentials,
  oauthAvailable,
  canEdit,
}: {
  workspaceId: string;
  credentials: GorgiasCredentials;
  oauthAvailable: boolean;
  canEdit: boolean;
}) {
  const queryClient = useQueryClient();
  const [domain, setDomain] = useState(credentials.domain);
  const [apiUser, setApiUser] = useState(credentials.api_user);
  const [apiKey, setApiKey] = useState('');
  const [saved, setSaved] = useState(false);

  const save = useMutation({
    mutationFn: (input: GorgiasCredentialsInput) => saveGorgiasCredentials(workspaceId, input),
    onSuccess: (updated) => {
      queryClient.setQueryData(gorgiasKeys.credentials(workspaceId), updated);
      setDomain(updated.domain);
      setApiUser(updated.api_user);
      setApiKey('');
      setSaved(true);
      void invalidateGorgias(queryClient, workspaceId);
    },
  });
  const oauth = useMutation({
    mutationFn: () => startGorgiasOAuth(workspaceId),
    onSuccess: (url) => window.location.assign(url),
  });
  const errors = formErrors(save.error, CREDENTIAL_FIELDS);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaved(false);
    const input: GorgiasCredentialsInput = { domain: gorgiasSubdomain(domain), api_user: apiUser.trim() };
    if (apiKey !== '') {
      input.api_key = apiKey;
    }
    save.mutate(input);
  };

  return (
    <>
      <form className="form" aria-label="Gorgias credentials" onSubmit={onSubmit} noValidate>
        <fieldset className="form__fieldset" disabled={!canEdit}>
          <GorgiasDomainField value={domain} onChange={setDomain} error={errors.fields.domain} />
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
            saved={credentials.api_key_set}
            hint={credentials.api_key_hint}
            value={apiKey}
            onChange={setApiKey}
            error={errors.fields.api_key}
            disabled={!canEdit}
          />
        </fieldset>
        <FormError message={errors.message} />
        {canEdit ? (
          <div className="form__actions">
            <button type="submit" className="button button--primary" disabled={save.isPending}>
              {save.isPending ? 'Saving…' : 'Save credentials'}
            </button>
            <SavedNote show={saved && !save.isPending} />
          </div>
        ) : (
          <ReadOnlyNote />
        )}
      </form>
      {oauthAvailable && canEdit ? (
        <div className="gg-oauth">
          <p className="panel__text">Or let Gorgias grant Deskmate access, without an API key:</p>
          <div className="form__actions">
            <button type="button" className="button" disabled={oauth.isPending} onClick={() => oauth.mutate()}>
              {oauth.isPending ? 'Opening Gorgias…' : 'Install with Gorgias'}
            </button>
          </div>
          {oauth.error ? (
            <div className="notice notice--danger" role="alert">
              {errorText(oauth.error)}
            </div>
          ) : null}
        </div>
      ) : null}
    </>
  );
}

/** Step 1: the account and how Deskmate signs in to it. */
export function CredentialsStep({
  workspaceId,
  connection,
  canEdit,
}: {
  workspaceId: string;
  connection: GorgiasConnection;
  canEdit: boolean;
}) {
  const credentials = useQuery({
    queryKey: gorgiasKeys.credentials(workspaceId),
    queryFn: ({ signal }) => fetchGorgiasCredentials(workspaceId, signal),
  });
  return (
    <Step number={1} id="credentials" title="Credentials" done={connection.api_key_set || connection.auth_kind === 'oauth'}>
      <p className="panel__text">
        {connection.auth_kind === 'oauth'
          ? 'Deskmate signs in with the access Gorgias granted when it was installed with Gorgias.'
          : 'Deskmate reads and answers tickets with a Gorgias API key (Gorgias: Settings → REST API).'}
      </p>
      <QueryState data={credentials.data} error={credentials.error} what="the credentials">
        {(data) => (
          <CredentialsForm
            workspaceId={workspaceId}
            credentials={data}
            oauthAvailable={connection.oauth_available}
            canEdit={canEdit}
          />
        )}
      </QueryState>
    </Step>
  );
}

// --- 2. Test --------------------------------------------------------------------------------

/** Step 2: Deskmate reads the account's users and teams with the saved credentials. */
export function TestStep({
  connection,
  test,
  canEdit,
}: {
  connection: GorgiasConnection;
  test: UseMutationResult<TestResult, Error, void>;
  canEdit: boolean;
}) {
  return (
    <Step number={2} id="test" title="Test the connection" done={test.isSuccess}>
      <p className="panel__text">
        Deskmate signs in to {connection.domain ? <strong>{connection.domain}</strong> : 'the account'} and lists its users
        and teams, for the bot user and the hand-overs below.
      </p>
      {canEdit ? (
        <div className="form__actions gg-actions">
          <button type="button" className="button" disabled={test.isPending} onClick={() => test.mutate()}>
            {test.isPending ? 'Testing…' : 'Test connection'}
          </button>
        </div>
      ) : (
        <ReadOnlyNote />
      )}
      {test.error ? (
        <div className="notice notice--danger gg-result" role="alert">
          {errorText(test.error)}
        </div>
      ) : null}
      {test.data ? (
        <div className="notice notice--success gg-result" role="status">
          Gorgias answered: {test.data.domain || connection.domain} has{' '}
          {test.data.users.length === 1 ? '1 user' : `${test.data.users.length} users`} and{' '}
          {test.data.teams.length === 1 ? '1 team' : `${test.data.teams.length} teams`}.
        </div>
      ) : null}
    </Step>
  );
}

// --- 3. Bot user ----------------------------------------------------------------------------

const BOT_FIELDS = ['create.name', 'create.email', 'create', 'user_id'] as const;

/** Step 3: the Gorgias user Deskmate writes as. */
export function BotUserStep({
  workspaceId,
  connection,
  account,
  canEdit,
}: {
  workspaceId: string;
  connection: GorgiasConnection;
  account: TestResult | undefined;
  canEdit: boolean;
}) {
  const queryClient = useQueryClient();
  const users = account?.users ?? [];
  const [choice, setChoice] = useState<'existing' | 'create'>('existing');
  const [userId, setUserId] = useState(connection.bot_user ? String(connection.bot_user.id) : '');
  const [name, setName] = useState('Deskmate');
  const [email, setEmail] = useState('');
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (input: BotUserInput) => setGorgiasBotUser(workspaceId, input),
    onSuccess: (updated) => {
      setSaved(true);
      setUserId(updated.bot_user ? String(updated.bot_user.id) : '');
      void storeGorgiasConnection(queryClient, workspaceId, updated);
    },
  });
  const errors = formErrors(save.error, BOT_FIELDS);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaved(false);
    save.mutate(
      choice === 'create' ? { create: { name: name.trim(), email: email.trim() } } : { user_id: Number(userId) || 0 },
    );
  };

  const current = connection.bot_user;
  const listed = current !== null && users.some((user) => user.id === current.id);

  return (
    <Step number={3} id="bot-user" title="Bot user" done={current !== null}>
      <p className="panel__text">
        Deskmate writes its replies and notes as this Gorgias user, and answers the tickets assigned to it.{' '}
        {current ? (
          <>
            Now: <strong>{current.email || `user #${current.id}`}</strong>.
          </>
        ) : (
          'None chosen yet.'
        )}
      </p>
      <form className="form" aria-label="Bot user" onSubmit={onSubmit} noValidate>
        <fieldset className="form__fieldset" disabled={!canEdit}>
          <fieldset className="gg-radios">
            <legend className="visually-hidden">Bot user</legend>
            <label className="toggle">
              <input
                type="radio"
                name="gg-bot"
                checked={choice === 'existing'}
                onChange={() => setChoice('existing')}
              />
              An existing Gorgias user
            </label>
            <label className="toggle">
              <input type="radio" name="gg-bot" checked={choice === 'create'} onChange={() => setChoice('create')} />
              Create a user for Deskmate
            </label>
          </fieldset>
          {choice === 'existing' ? (
            <Field
              label="User"
              hint={account ? undefined : 'Test the connection to list the account’s users.'}
              error={errors.fields.user_id}
            >
              {(control) => (
                <select {...control} className="select" value={userId} onChange={(event) => setUserId(event.target.value)}>
                  <option value="">Choose a user…</option>
                  {current !== null && !listed ? (
                    <option value={String(current.id)}>{current.email || `User #${current.id}`}</option>
                  ) : null}
                  {users.map((user) => (
                    <option key={user.id} value={String(user.id)}>
                      {user.name ? `${user.name} (${user.email})` : user.email}
                      {user.role ? ` · ${user.role}` : ''}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          ) : (
            <div className="form__grid">
              <Field label="Name" error={errors.fields['create.name']}>
                {(control) => (
                  <input
                    {...control}
                    className="input"
                    type="text"
                    value={name}
                    onChange={(event) => setName(event.target.value)}
                  />
                )}
              </Field>
              <Field
                label="Email"
                hint="An address of yours that Gorgias accepts; nobody signs in with it."
                error={errors.fields['create.email'] ?? errors.fields.create}
              >
                {(control) => (
                  <input
                    {...control}
                    className="input"
                    type="email"
                    autoComplete="off"
                    value={email}
                    onChange={(event) => setEmail(event.target.value)}
                  />
                )}
              </Field>
            </div>
          )}
        </fieldset>
        <FormError message={errors.message} />
        {canEdit ? (
          <div className="form__actions">
            <button
              type="submit"
              className="button button--primary"
              disabled={save.isPending || (choice === 'existing' && userId === '')}
            >
              {save.isPending ? 'Saving…' : choice === 'create' ? 'Create bot user' : 'Use this user'}
            </button>
            <SavedNote show={saved && !save.isPending} />
          </div>
        ) : (
          <ReadOnlyNote />
        )}
      </form>
    </Step>
  );
}
