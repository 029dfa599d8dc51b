import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { invalidateSession } from '../../api/auth';
import { createSandbox, fetchSandboxStatus, sandboxKeys, type SandboxStatus } from '../../api/sandbox';
import { invalidateWorkspaces } from '../../api/workspaces';
import { errorText } from '../../components/Form';
import { PageHeader } from '../../components/PageHeader';
import { QueryState } from '../../components/QueryState';
import { canEdit } from '../../roles';
import { useCurrentWorkspace } from '../../workspace';
import { Inbox } from './Inbox';
import './sandbox.css';

export const SANDBOX_DESCRIPTION =
  'A Gorgias helpdesk emulated inside Deskmate: write as a customer, watch Deskmate answer, tag and hand over as it would in Gorgias, and try its sidebar widget.';

function CreateSandbox() {
  const queryClient = useQueryClient();
  const { select } = useCurrentWorkspace();
  const create = useMutation({
    mutationFn: createSandbox,
    onSuccess: async (workspaceId) => {
      queryClient.setQueryData<SandboxStatus>(sandboxKeys.status(), (status) =>
        status ? { ...status, workspace_id: workspaceId } : status,
      );
      // The new workspace must be in the list before it can be the current one.
      await Promise.all([invalidateWorkspaces(queryClient), invalidateSession(queryClient)]);
      select(workspaceId);
    },
  });
  return (
    <section className="panel" aria-labelledby="sb-create-title">
      <h2 className="panel__title" id="sb-create-title">
        No sandbox workspace yet
      </h2>
      <p className="panel__text">
        The sandbox gets a workspace of its own, connected to the emulated Gorgias account, with sample customers and
        orders. Its knowledge, automations and settings are separate from your other workspaces.
      </p>
      <div className="form__actions sb-create">
        <button type="button" className="button button--primary" disabled={create.isPending} onClick={() => create.mutate()}>
          {create.isPending ? 'Creating…' : 'Create the sandbox workspace'}
        </button>
      </div>
      {create.error ? (
        <div className="notice notice--danger sb-notice" role="alert">
          {errorText(create.error)}
        </div>
      ) : null}
    </section>
  );
}

function Sandbox({ status }: { status: SandboxStatus }) {
  const { current, workspaces, role, isInstanceOwner, select } = useCurrentWorkspace();
  if (!status.available) {
    return (
      <section className="panel panel--empty" aria-label="Sandbox unavailable">
        <p className="panel__text">The sandbox is not running on this Deskmate server.</p>
        {status.reason ? <p className="panel__text">{status.reason}</p> : null}
      </section>
    );
  }
  if (status.workspace_id === null) {
    return isInstanceOwner ? (
      <CreateSandbox />
    ) : (
      <section className="panel panel--empty" aria-label="No sandbox workspace">
        <p className="panel__text">
          {status.reason || 'The sandbox has no workspace yet. The owner of this Deskmate server can create it here.'}
        </p>
      </section>
    );
  }
  if (current?.id !== status.workspace_id) {
    const sandbox = workspaces.find((workspace) => workspace.id === status.workspace_id);
    return (
      <section className="panel panel--empty" aria-label="Another workspace">
        {sandbox ? (
          <>
            <p className="panel__text">
              The sandbox has a workspace of its own, <strong>{sandbox.name}</strong>; you are in{' '}
              <strong>{current?.name ?? 'no workspace'}</strong>.
            </p>
            <div className="form__actions sb-create">
              <button type="button" className="button button--primary" onClick={() => select(sandbox.id)}>
                Switch to {sandbox.name}
              </button>
            </div>
          </>
        ) : (
          <p className="panel__text">
            The sandbox has a workspace of its own, and you are not a member of it. Ask its owner for an invitation.
          </p>
        )}
      </section>
    );
  }
  return <Inbox key={current.id} workspaceId={current.id} editable={canEdit(role)} />;
}

/** The sandbox: a helpdesk to try Deskmate in, without a Gorgias account. */
export function SandboxPage() {
  const status = useQuery({ queryKey: sandboxKeys.status(), queryFn: ({ signal }) => fetchSandboxStatus(signal) });
  return (
    <>
      <PageHeader title="Sandbox" description={SANDBOX_DESCRIPTION} />
      <QueryState data={status.data} error={status.error} what="the sandbox">
        {(data) => <Sandbox status={data} />}
      </QueryState>
    </>
  );
}
