import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ROLES, type Role } from '../../api/auth';
import {
  createToken,
  fetchTokens,
  invalidateTokens,
  revokeToken,
  tokenKeys,
  type ApiToken,
  type CreatedApiToken,
} from '../../api/tokens';
import { Badge } from '../../components/Badge';
import { ConfirmButton } from '../../components/ConfirmButton';
import { Field, FormError, errorText, formErrors } from '../../components/Form';
import { OneTimeSecret } from '../../components/OneTimeSecret';
import { QueryState } from '../../components/QueryState';
import { formatDateTime, isoOf } from '../../format';
import { ROLE_LABELS, tokenRoles } from '../../roles';
import { useCurrentWorkspace } from '../../workspace';

const FIELDS = ['name', 'role'] as const;

function When({ value, empty }: { value: string | null; empty: string }) {
  if (!value) {
    return <span className="muted">{empty}</span>;
  }
  return <time dateTime={isoOf(value)}>{formatDateTime(value)}</time>;
}

function NewTokenForm({
  workspaceId,
  onCreated,
  onCancel,
}: {
  workspaceId: string;
  onCreated: (token: CreatedApiToken) => void;
  onCancel: () => void;
}) {
  const queryClient = useQueryClient();
  const { role: actor } = useCurrentWorkspace();
  const roles = tokenRoles(actor);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');

  const mutation = useMutation({
    mutationFn: () => createToken(workspaceId, { name: name.trim(), role }),
    onSuccess: (token) => {
      void invalidateTokens(queryClient, workspaceId);
      onCreated(token);
    },
  });
  const errors = formErrors(mutation.error, FIELDS);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    mutation.mutate();
  };

  return (
    <section className="panel form-panel" aria-labelledby="new-token-title">
      <h3 className="panel__title" id="new-token-title">
        New API token
      </h3>
      <FormError message={errors.message} />
      <form className="form form--wide" onSubmit={onSubmit} noValidate>
        <div className="form__grid">
          <Field label="Name" hint="What uses it, for example “Zapier” or “nightly export”." error={errors.fields.name}>
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
          <Field label="Role" hint="At most your own role." error={errors.fields.role}>
            {(control) => (
              <select
                {...control}
                className="select"
                value={role}
                onChange={(event) => {
                  const next = ROLES.find((candidate) => candidate === event.target.value);
                  if (next) {
                    setRole(next);
                  }
                }}
              >
                {roles.map((candidate) => (
                  <option key={candidate} value={candidate}>
                    {ROLE_LABELS[candidate]}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={mutation.isPending}>
            {mutation.isPending ? 'Creating…' : 'Create token'}
          </button>
          <button type="button" className="button" disabled={mutation.isPending} onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}

function TokensTable({ workspaceId, tokens }: { workspaceId: string; tokens: ApiToken[] }) {
  const queryClient = useQueryClient();
  const revoke = useMutation({
    mutationFn: (tokenId: string) => revokeToken(workspaceId, tokenId),
    onSuccess: () => {
      void invalidateTokens(queryClient, workspaceId);
    },
  });

  if (tokens.length === 0) {
    return <p className="muted">No API tokens yet.</p>;
  }
  return (
    <>
      {revoke.error ? (
        <div className="notice notice--danger" role="alert">
          Could not revoke the token. {errorText(revoke.error)}
        </div>
      ) : null}
      <div className="table-wrap">
        <table className="table">
          <caption className="visually-hidden">API tokens</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Token</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((token) => (
              <tr key={token.id} className={token.revoked_at ? 'table__row--faded' : undefined}>
                <th scope="row" className="table__primary">
                  {token.name}
                </th>
                <td>{ROLE_LABELS[token.role]}</td>
                <td className="mono">{token.prefix ? `${token.prefix}…` : '—'}</td>
                <td>
                  <When value={token.created_at} empty="—" />
                </td>
                <td>
                  <When value={token.last_used_at} empty="Never" />
                </td>
                <td className="table__actions">
                  {token.revoked_at ? (
                    <Badge tone="neutral">Revoked</Badge>
                  ) : (
                    <ConfirmButton
                      label="Revoke"
                      accessibleLabel={`Revoke ${token.name}`}
                      question={`Revoke ${token.name}? Programs using it stop working.`}
                      busy={revoke.isPending && revoke.variables === token.id}
                      onConfirm={() => revoke.mutate(token.id)}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** API tokens: for programs calling this workspace's API with `Authorization: Bearer`. */
export function TokensTab() {
  const { current } = useCurrentWorkspace();
  const id = current?.id ?? '';
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const query = useQuery({
    queryKey: tokenKeys.list(id),
    queryFn: ({ signal }) => fetchTokens(id, signal),
    enabled: id !== '',
  });

  return (
    <section className="section stack" aria-labelledby="tokens-title">
      <div className="section__head">
        <div>
          <h2 className="section__title" id="tokens-title">
            API tokens
          </h2>
          <p className="section__text">
            Programs send a token as <code>Authorization: Bearer dm_…</code>. A token works only for this workspace,
            with its role.
          </p>
        </div>
        {creating || created ? null : (
          <div className="section__actions">
            <button type="button" className="button button--primary" onClick={() => setCreating(true)}>
              New token
            </button>
          </div>
        )}
      </div>
      {created ? (
        <OneTimeSecret
          title={`Token ${created.name}`}
          label="API token"
          value={created.token}
          warning="Copy the token now: it is shown only once. Deskmate keeps only a fingerprint of it."
          onDone={() => setCreated(null)}
        />
      ) : null}
      {creating ? (
        <NewTokenForm
          workspaceId={id}
          onCreated={(token) => {
            setCreating(false);
            setCreated(token);
          }}
          onCancel={() => setCreating(false)}
        />
      ) : null}
      <QueryState data={query.data} error={query.error} what="the API tokens">
        {(tokens) => <TokensTable workspaceId={id} tokens={tokens} />}
      </QueryState>
    </section>
  );
}
