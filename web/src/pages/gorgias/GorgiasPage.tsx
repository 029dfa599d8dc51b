import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import {
  CONNECTION_STATUS_LABELS,
  connectGorgias,
  disconnectGorgias,
  fetchGorgiasConnection,
  gorgiasKeys,
  pauseGorgias,
  resumeGorgias,
  setGorgiasBaseUrl,
  storeGorgiasConnection,
  testGorgiasConnection,
  type ConnectionStatus,
  type GorgiasConnection,
  type Installed,
} from '../../api/gorgias';
import { fetchSandboxStatus, sandboxKeys } from '../../api/sandbox';
import { Badge, type BadgeTone } from '../../components/Badge';
import { ConfirmButton } from '../../components/ConfirmButton';
import { Field, FormError, SavedNote, errorText, formErrors } from '../../components/Form';
import { NoWorkspace } from '../../components/NoWorkspace';
import { PageHeader } from '../../components/PageHeader';
import { QueryState } from '../../components/QueryState';
import { formatDateTime, isoOf } from '../../format';
import { canAdminister } from '../../roles';
import { useCurrentWorkspace } from '../../workspace';
import { ActivityTable } from './ActivityTable';
import { SettingsForm } from './SettingsForm';
import { BotUserStep, CredentialsStep, Step, TestStep } from './Steps';
import '../automations/automations.css';
import './gorgias.css';

const DESCRIPTION =
  'Connect Deskmate to your Gorgias helpdesk: it reads new tickets, answers them as a bot user (first as drafts for your team), tags them and hands over to a person.';

const STATUS_TONES: Record<ConnectionStatus, BadgeTone> = {
  connected: 'ok',
  paused: 'warning',
  disconnected: 'neutral',
};

export function StatusBadge({ status }: { status: ConnectionStatus }) {
  return <Badge tone={STATUS_TONES[status]}>{CONNECTION_STATUS_LABELS[status]}</Badge>;
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="facts__row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** A timestamp, or what its absence means. */
function When({ value, none }: { value: string | null; none: string }) {
  if (value === null) {
    return <span className="muted">{none}</span>;
  }
  return <time dateTime={isoOf(value)}>{formatDateTime(value)}</time>;
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** "2 integrations, 1 widget, 5 tags, 2 views", or null when nothing is installed. */
export function installedSummary(installed: Installed): string | null {
  const parts = [
    installed.integrations.length > 0 ? plural(installed.integrations.length, 'integration', 'integrations') : '',
    installed.widgets.length > 0 ? plural(installed.widgets.length, 'widget', 'widgets') : '',
    installed.tags.length > 0 ? plural(installed.tags.length, 'tag', 'tags') : '',
    installed.views.length > 0 ? plural(installed.views.length, 'view', 'views') : '',
  ].filter((part) => part !== '');
  return parts.length > 0 ? parts.join(', ') : null;
}

function accountAddress(connection: GorgiasConnection): string {
  if (connection.base_url) {
    return connection.base_url;
  }
  return connection.domain ? `https://${connection.domain}.gorgias.com` : '';
}

function Overview({ connection }: { connection: GorgiasConnection }) {
  const installed = installedSummary(connection.installed);
  return (
    <section className="panel" aria-labelledby="gg-overview-title">
      <h2 className="panel__title" id="gg-overview-title">
        Connection
      </h2>
      <dl className="facts gg-facts">
        <Fact label="Status">
          <span className="gg-badges" data-testid="gorgias-status">
            <StatusBadge status={connection.status} />
            {connection.sandbox ? <Badge tone="warning">Sandbox</Badge> : null}
          </span>
        </Fact>
        <Fact label="Account">
          {accountAddress(connection) ? (
            <span className="mono">{accountAddress(connection)}</span>
          ) : (
            <span className="muted">Not set</span>
          )}
        </Fact>
        <Fact label="Signs in with">
          {connection.auth_kind === 'oauth'
            ? 'Access granted by Gorgias (installed with Gorgias)'
            : connection.api_key_set
              ? `An API key of ${connection.api_user || 'the API user'}`
              : <span className="muted">No API key yet</span>}
        </Fact>
        <Fact label="Bot user">
          {connection.bot_user ? connection.bot_user.email || `#${connection.bot_user.id}` : <span className="muted">None</span>}
        </Fact>
        {connection.webhook_url ? (
          <Fact label="Webhook">
            <span className="mono gg-url">{connection.webhook_url}</span>
          </Fact>
        ) : null}
        <Fact label="Installed">{installed ?? <span className="muted">Nothing in Gorgias yet</span>}</Fact>
      </dl>
    </section>
  );
}

function Health({ connection }: { connection: GorgiasConnection }) {
  const { health } = connection;
  return (
    <section className="panel" aria-labelledby="gg-health-title">
      <h2 className="panel__title" id="gg-health-title">
        Health
      </h2>
      <dl className="facts gg-facts">
        <Fact label="Last webhook">
          <When value={health.last_webhook_at} none="None received yet" />
        </Fact>
        <Fact label="Last reply sent">
          <When value={health.last_reply_at} none="None yet" />
        </Fact>
        <Fact label="Last error">
          {health.last_error ? (
            <span className="gg-error">
              {health.last_error}
              {health.last_error_at ? (
                <span className="table__sub">
                  <When value={health.last_error_at} none="" />
                </span>
              ) : null}
            </span>
          ) : (
            <span className="muted">None</span>
          )}
        </Fact>
        <Fact label="Rate limit">
          {health.rate_limited_until ? (
            <>
              Gorgias asked Deskmate to wait until <When value={health.rate_limited_until} none="" />
            </>
          ) : (
            <span className="muted">Not limited</span>
          )}
        </Fact>
      </dl>
    </section>
  );
}

/** Step 5: install in Gorgias, then pause, resume or disconnect. */
function ConnectStep({
  workspaceId,
  connection,
  canEdit,
}: {
  workspaceId: string;
  connection: GorgiasConnection;
  canEdit: boolean;
}) {
  const queryClient = useQueryClient();
  const [purge, setPurge] = useState(false);
  const onSuccess = (updated: GorgiasConnection) => {
    void storeGorgiasConnection(queryClient, workspaceId, updated);
  };
  const connect = useMutation({ mutationFn: () => connectGorgias(workspaceId), onSuccess });
  const pause = useMutation({ mutationFn: () => pauseGorgias(workspaceId), onSuccess });
  const resume = useMutation({ mutationFn: () => resumeGorgias(workspaceId), onSuccess });
  const disconnect = useMutation({
    mutationFn: (withPurge: boolean) => disconnectGorgias(workspaceId, withPurge),
    onSuccess: (updated) => {
      setPurge(false);
      onSuccess(updated);
    },
  });
  const failure = connect.error ?? pause.error ?? resume.error ?? disconnect.error;
  const busy = connect.isPending || pause.isPending || resume.isPending || disconnect.isPending;
  const connected = connection.status !== 'disconnected';

  return (
    <Step number={5} id="connect" title="Connect" done={connected}>
      <p className="panel__text">
        Connect installs what Deskmate needs in Gorgias: the integrations that send it new messages, the sidebar widget,
        its tags and views. Running it again repairs a half-done install.
      </p>
      {canEdit ? (
        <div className="form__actions gg-actions">
          {connected ? null : (
            <button type="button" className="button button--primary" disabled={busy} onClick={() => connect.mutate()}>
              {connect.isPending ? 'Connecting…' : 'Connect'}
            </button>
          )}
          {connection.status === 'connected' ? (
            <button type="button" className="button" disabled={busy} onClick={() => pause.mutate()}>
              {pause.isPending ? 'Pausing…' : 'Pause'}
            </button>
          ) : null}
          {connection.status === 'paused' ? (
            <button type="button" className="button button--primary" disabled={busy} onClick={() => resume.mutate()}>
              {resume.isPending ? 'Resuming…' : 'Resume'}
            </button>
          ) : null}
          {connected ? (
            <button type="button" className="button" disabled={busy} onClick={() => connect.mutate()}>
              {connect.isPending ? 'Installing…' : 'Install again'}
            </button>
          ) : null}
        </div>
      ) : null}
      {connection.status === 'paused' ? (
        <p className="notice notice--warning gg-result" role="note">
          Paused: Deskmate leaves new tickets alone and sends nothing until it is resumed.
        </p>
      ) : null}
      {canEdit && connected ? (
        <div className="gg-disconnect">
          <label className="toggle">
            <input type="checkbox" checked={purge} onChange={(event) => setPurge(event.target.checked)} />
            Also delete what Deskmate kept about tickets
          </label>
          <ConfirmButton
            label="Disconnect"
            question={purge ? 'Disconnect and delete the ticket data?' : 'Disconnect from Gorgias?'}
            busy={disconnect.isPending}
            disabled={busy}
            onConfirm={() => disconnect.mutate(purge)}
          />
        </div>
      ) : null}
      {failure ? (
        <div className="notice notice--danger gg-result" role="alert">
          {errorText(failure)}
        </div>
      ) : null}
    </Step>
  );
}

/** The instance owner may send Deskmate's Gorgias calls elsewhere: a proxy, or an emulator. */
function BaseUrlPanel({ workspaceId, connection }: { workspaceId: string; connection: GorgiasConnection }) {
  const queryClient = useQueryClient();
  const [baseUrl, setBaseUrl] = useState(connection.base_url);
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (value: string) => setGorgiasBaseUrl(workspaceId, value),
    onSuccess: (updated) => {
      setBaseUrl(updated.base_url);
      setSaved(true);
      void storeGorgiasConnection(queryClient, workspaceId, updated);
    },
  });
  const errors = formErrors(save.error, ['base_url']);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaved(false);
    save.mutate(baseUrl.trim());
  };
  return (
    <section className="panel form-panel" aria-labelledby="gg-base-url-title">
      <h2 className="panel__title" id="gg-base-url-title">
        Gorgias address
      </h2>
      <p className="panel__text">
        Only for the owner of this Deskmate server: where Deskmate sends its Gorgias calls, such as a proxy or an emulator.
      </p>
      <form className="form" aria-label="Gorgias address" onSubmit={onSubmit} noValidate>
        <Field
          label="Base URL"
          hint={
            <>
              Empty: <code>https://{connection.domain || '{domain}'}.gorgias.com</code>.
            </>
          }
          error={errors.fields.base_url}
        >
          {(control) => (
            <input
              {...control}
              className="input input--mono"
              type="url"
              autoComplete="off"
              spellCheck={false}
              value={baseUrl}
              onChange={(event) => setBaseUrl(event.target.value)}
            />
          )}
        </Field>
        <FormError message={errors.message} />
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : 'Save address'}
          </button>
          <SavedNote show={saved && !save.isPending} />
        </div>
      </form>
    </section>
  );
}

/** Points to the sandbox: a Gorgias account emulated by Deskmate. */
function SandboxCard({ connection }: { connection: GorgiasConnection }) {
  const status = useQuery({ queryKey: sandboxKeys.status(), queryFn: ({ signal }) => fetchSandboxStatus(signal) });
  return (
    <section className="panel gg-sandbox" aria-labelledby="gg-sandbox-title">
      <h2 className="panel__title" id="gg-sandbox-title">
        Try the sandbox
      </h2>
      <p className="panel__text">
        {connection.sandbox
          ? 'This workspace is connected to the sandbox: a Gorgias account that Deskmate emulates, with sample customers and orders.'
          : 'No Gorgias account at hand, or not ready to let Deskmate near real customers? The sandbox is a Gorgias account that Deskmate emulates, with its own workspace, sample customers and orders.'}
      </p>
      {status.data ? (
        status.data.available ? (
          <p className="panel__text">
            <Link to="/sandbox">Open the Sandbox</Link>
          </p>
        ) : (
          <p className="panel__text">{status.data.reason || 'This Deskmate server runs no sandbox.'}</p>
        )
      ) : null}
    </section>
  );
}

/** What Gorgias sent back after "Install with Gorgias": read once from the address, then dropped from it. */
function useOAuthReturn(): { connected: boolean; error: string | null } {
  const [searchParams, setSearchParams] = useSearchParams();
  const [result] = useState(() => ({ connected: searchParams.get('connected') === '1', error: searchParams.get('error') }));
  const present = searchParams.has('connected') || searchParams.has('error');
  useEffect(() => {
    if (present) {
      setSearchParams(
        (params) => {
          const next = new URLSearchParams(params);
          next.delete('connected');
          next.delete('error');
          return next;
        },
        { replace: true },
      );
    }
  }, [present, setSearchParams]);
  return result;
}

function ConnectionView({
  workspaceId,
  connection,
  canEdit,
  isInstanceOwner,
}: {
  workspaceId: string;
  connection: GorgiasConnection;
  canEdit: boolean;
  isInstanceOwner: boolean;
}) {
  const test = useMutation({ mutationFn: () => testGorgiasConnection(workspaceId) });
  return (
    <div className="stack">
      <div className="gg-top">
        <Overview connection={connection} />
        <Health connection={connection} />
      </div>
      <ol className="gg-steps" aria-label="Connect Deskmate to Gorgias">
        <CredentialsStep workspaceId={workspaceId} connection={connection} canEdit={canEdit} />
        <TestStep connection={connection} test={test} canEdit={canEdit} />
        <BotUserStep workspaceId={workspaceId} connection={connection} account={test.data} canEdit={canEdit} />
        <Step number={4} id="settings" title="How Deskmate answers" done={connection.settings.channels.length > 0}>
          <p className="panel__text">
            Start with Auto-draft: Deskmate writes internal notes and your team sends those that are right. Switch to
            Auto-pilot once they are.
          </p>
          <SettingsForm
            workspaceId={workspaceId}
            settings={connection.settings}
            account={test.data}
            canEdit={canEdit}
          />
        </Step>
        <ConnectStep workspaceId={workspaceId} connection={connection} canEdit={canEdit} />
      </ol>
      {isInstanceOwner ? <BaseUrlPanel workspaceId={workspaceId} connection={connection} /> : null}
      <ActivityTable workspaceId={workspaceId} live={connection.status === 'connected'} />
      <SandboxCard connection={connection} />
    </div>
  );
}

function Gorgias({
  workspaceId,
  canEdit,
  isInstanceOwner,
}: {
  workspaceId: string;
  canEdit: boolean;
  isInstanceOwner: boolean;
}) {
  const oauth = useOAuthReturn();
  const query = useQuery({
    queryKey: gorgiasKeys.connection(workspaceId),
    queryFn: ({ signal }) => fetchGorgiasConnection(workspaceId, signal),
  });
  const connection = query.data;
  return (
    <>
      <PageHeader
        title="Gorgias"
        description={DESCRIPTION}
        actions={
          connection ? (
            <span className="gg-badges" role="group" aria-label="Connection status">
              <StatusBadge status={connection.status} />
              {connection.sandbox ? <Badge tone="warning">Sandbox</Badge> : null}
            </span>
          ) : null
        }
      />
      {oauth.connected ? (
        <div className="notice notice--success" role="status">
          Gorgias granted Deskmate access to the account. Choose a bot user and Connect to finish.
        </div>
      ) : null}
      {oauth.error !== null ? (
        <div className="notice notice--danger" role="alert">
          Installing with Gorgias did not work: {oauth.error}
        </div>
      ) : null}
      <QueryState data={connection} error={query.error} what="the Gorgias connection">
        {(data) => (
          <ConnectionView
            workspaceId={workspaceId}
            connection={data}
            canEdit={canEdit}
            isInstanceOwner={isInstanceOwner}
          />
        )}
      </QueryState>
    </>
  );
}

/** The Gorgias connection of the current workspace. Admins edit; the others see it. */
export function GorgiasPage() {
  const { current, role, isInstanceOwner } = useCurrentWorkspace();
  if (current === null) {
    return <NoWorkspace title="Gorgias" description={DESCRIPTION} singular />;
  }
  return (
    <Gorgias key={current.id} workspaceId={current.id} canEdit={canAdminister(role)} isInstanceOwner={isInstanceOwner} />
  );
}
