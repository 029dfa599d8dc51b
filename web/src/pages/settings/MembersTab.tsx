import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ROLES, type Role } from '../../api/auth';
import {
  absoluteInviteUrl,
  createInvitation,
  fetchInvitations,
  invalidateInvitations,
  invitationKeys,
  revokeInvitation,
  type CreatedInvitation,
  type Invitation,
} from '../../api/invitations';
import {
  addMember,
  fetchMembers,
  invalidateAfterAddingMember,
  invalidateMembers,
  memberKeys,
  removeMember,
  updateMemberRole,
  type Member,
} from '../../api/members';
import { ConfirmButton } from '../../components/ConfirmButton';
import { Field, FormError, errorText, formErrors } from '../../components/Form';
import { OneTimeSecret } from '../../components/OneTimeSecret';
import { QueryState } from '../../components/QueryState';
import { formatDateTime, isoOf } from '../../format';
import { ROLE_LABELS, canManageMember, grantableRoles } from '../../roles';
import { useSession, useSessionState } from '../../session';
import { useCurrentWorkspace } from '../../workspace';

function RoleSelect({
  value,
  onChange,
  roles,
  ...rest
}: {
  value: Role;
  onChange: (role: Role) => void;
  roles: readonly Role[];
  id?: string;
  'aria-label'?: string;
  'aria-invalid'?: true | undefined;
  'aria-describedby'?: string | undefined;
  disabled?: boolean;
}) {
  return (
    <select
      {...rest}
      className="select"
      value={value}
      onChange={(event) => {
        const next = ROLES.find((role) => role === event.target.value);
        if (next) {
          onChange(next);
        }
      }}
    >
      {roles.map((role) => (
        <option key={role} value={role}>
          {ROLE_LABELS[role]}
        </option>
      ))}
    </select>
  );
}

function MembersTable({ workspaceId, members }: { workspaceId: string; members: Member[] }) {
  const queryClient = useQueryClient();
  const session = useSession();
  const { refresh } = useSessionState();
  const { role: actor } = useCurrentWorkspace();
  const [rowError, setRowError] = useState<{ userId: string; message: string } | null>(null);

  const afterChange = (userId: string) => {
    void invalidateMembers(queryClient, workspaceId);
    if (userId === session.user.id) {
      void refresh();
    }
  };

  const changeRole = useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: Role }) => updateMemberRole(workspaceId, userId, role),
    onMutate: () => setRowError(null),
    onSuccess: (member) => {
      queryClient.setQueryData<Member[]>(memberKeys.list(workspaceId), (list) =>
        list?.map((item) => (item.user_id === member.user_id ? member : item)),
      );
      afterChange(member.user_id);
    },
    onError: (error, { userId }) => setRowError({ userId, message: errorText(error) }),
  });

  const remove = useMutation({
    mutationFn: (userId: string) => removeMember(workspaceId, userId),
    onMutate: () => setRowError(null),
    onSuccess: (_, userId) => {
      queryClient.setQueryData<Member[]>(memberKeys.list(workspaceId), (list) =>
        list?.filter((item) => item.user_id !== userId),
      );
      afterChange(userId);
    },
    onError: (error, userId) => setRowError({ userId, message: errorText(error) }),
  });

  const grantable = grantableRoles(actor);

  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">Members</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {members.map((member) => {
            const label = member.name || member.email;
            const manageable = canManageMember(actor, member.role);
            const busy =
              (changeRole.isPending && changeRole.variables.userId === member.user_id) ||
              (remove.isPending && remove.variables === member.user_id);
            return (
              <tr key={member.user_id}>
                <th scope="row" className="table__primary">
                  {label}
                  {member.user_id === session.user.id ? <span className="muted"> (you)</span> : null}
                  {rowError?.userId === member.user_id ? (
                    <p className="table__error" role="alert">
                      {rowError.message}
                    </p>
                  ) : null}
                </th>
                <td>{member.email}</td>
                <td>
                  {manageable ? (
                    <RoleSelect
                      aria-label={`Role of ${label}`}
                      value={member.role}
                      roles={grantable.includes(member.role) ? grantable : [member.role, ...grantable]}
                      disabled={busy}
                      onChange={(role) => changeRole.mutate({ userId: member.user_id, role })}
                    />
                  ) : (
                    ROLE_LABELS[member.role]
                  )}
                </td>
                <td className="table__actions">
                  {manageable ? (
                    <ConfirmButton
                      label="Remove"
                      accessibleLabel={`Remove ${label}`}
                      question={`Remove ${label}?`}
                      busy={remove.isPending && remove.variables === member.user_id}
                      onConfirm={() => remove.mutate(member.user_id)}
                    />
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

const MEMBER_FIELDS = ['email', 'name', 'password', 'role'] as const;

function AddMemberForm({
  workspaceId,
  onDone,
  onInvited,
}: {
  workspaceId: string;
  onDone: (member: Member | null) => void;
  onInvited: (invitation: CreatedInvitation) => void;
}) {
  const queryClient = useQueryClient();
  const { role: actor } = useCurrentWorkspace();
  const roles = grantableRoles(actor);
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('editor');

  const mutation = useMutation({
    mutationFn: () => addMember(workspaceId, { email: email.trim(), name: name.trim(), password, role }),
    onSuccess: (added) => {
      void invalidateAfterAddingMember(queryClient, workspaceId);
      if (added.invitation) {
        onInvited(added.invitation);
      } else {
        onDone(added.member);
      }
    },
  });
  const errors = formErrors(mutation.error, MEMBER_FIELDS);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    mutation.mutate();
  };

  return (
    <section className="panel form-panel" aria-labelledby="add-member-title">
      <h3 className="panel__title" id="add-member-title">
        Add member
      </h3>
      <p className="panel__text">
        Creates an account with a password you pass on yourself. Someone who already has an account gets an
        invitation link instead, which they accept with their own password.
      </p>
      <FormError message={errors.message} />
      <form className="form form--wide" onSubmit={onSubmit} noValidate>
        <div className="form__grid">
          <Field label="Email" error={errors.fields.email}>
            {(control) => (
              <input
                {...control}
                className="input"
                type="email"
                autoComplete="off"
                required
                value={email}
                onChange={(event) => setEmail(event.target.value)}
              />
            )}
          </Field>
          <Field label="Name" error={errors.fields.name}>
            {(control) => (
              <input
                {...control}
                className="input"
                type="text"
                autoComplete="off"
                value={name}
                onChange={(event) => setName(event.target.value)}
              />
            )}
          </Field>
          <Field label="Password" hint="10 to 200 characters; not needed for an existing account." error={errors.fields.password}>
            {(control) => (
              <input
                {...control}
                className="input"
                type="password"
                autoComplete="new-password"
                value={password}
                onChange={(event) => setPassword(event.target.value)}
              />
            )}
          </Field>
          <Field label="Role" error={errors.fields.role}>
            {(control) => <RoleSelect {...control} value={role} roles={roles} onChange={setRole} />}
          </Field>
        </div>
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={mutation.isPending}>
            {mutation.isPending ? 'Adding…' : 'Add member'}
          </button>
          <button type="button" className="button" disabled={mutation.isPending} onClick={() => onDone(null)}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}

const INVITE_FIELDS = ['email', 'role'] as const;

function InviteForm({ workspaceId, onCreated, onCancel }: { workspaceId: string; onCreated: (invitation: CreatedInvitation) => void; onCancel: () => void }) {
  const queryClient = useQueryClient();
  const { role: actor } = useCurrentWorkspace();
  const roles = grantableRoles(actor);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('editor');

  const mutation = useMutation({
    mutationFn: () => createInvitation(workspaceId, { email: email.trim(), role }),
    onSuccess: (invitation) => {
      void invalidateInvitations(queryClient, workspaceId);
      onCreated(invitation);
    },
  });
  const errors = formErrors(mutation.error, INVITE_FIELDS);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    mutation.mutate();
  };

  return (
    <section className="panel form-panel" aria-labelledby="invite-title">
      <h3 className="panel__title" id="invite-title">
        Invite someone
      </h3>
      <p className="panel__text">
        Deskmate makes a link, valid for 7 days, that you send yourself. The person opening it chooses their own
        password.
      </p>
      <FormError message={errors.message} />
      <form className="form form--wide" onSubmit={onSubmit} noValidate>
        <div className="form__grid">
          <Field label="Email" error={errors.fields.email}>
            {(control) => (
              <input
                {...control}
                className="input"
                type="email"
                autoComplete="off"
                required
                value={email}
                onChange={(event) => setEmail(event.target.value)}
              />
            )}
          </Field>
          <Field label="Role" error={errors.fields.role}>
            {(control) => <RoleSelect {...control} value={role} roles={roles} onChange={setRole} />}
          </Field>
        </div>
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={mutation.isPending}>
            {mutation.isPending ? 'Creating link…' : 'Create invitation link'}
          </button>
          <button type="button" className="button" disabled={mutation.isPending} onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}

function PendingInvitations({ workspaceId }: { workspaceId: string }) {
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: invitationKeys.list(workspaceId),
    queryFn: ({ signal }) => fetchInvitations(workspaceId, signal),
  });
  const revoke = useMutation({
    mutationFn: (invitationId: string) => revokeInvitation(workspaceId, invitationId),
    onSuccess: (_, invitationId) => {
      queryClient.setQueryData<Invitation[]>(invitationKeys.list(workspaceId), (list) =>
        list?.filter((item) => item.id !== invitationId),
      );
      void invalidateInvitations(queryClient, workspaceId);
    },
  });

  return (
    <section className="section" aria-labelledby="pending-title">
      <h2 className="section__title" id="pending-title">
        Pending invitations
      </h2>
      {revoke.error ? (
        <div className="notice notice--danger" role="alert">
          Could not revoke the invitation. {errorText(revoke.error)}
        </div>
      ) : null}
      <QueryState data={query.data} error={query.error} what="the invitations">
        {(invitations) =>
          invitations.length === 0 ? (
            <p className="muted">No pending invitations.</p>
          ) : (
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">Pending invitations</caption>
                <thead>
                  <tr>
                    <th scope="col">Email</th>
                    <th scope="col">Role</th>
                    <th scope="col">Expires</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {invitations.map((invitation) => (
                    <tr key={invitation.id}>
                      <th scope="row" className="table__primary">
                        {invitation.email}
                      </th>
                      <td>{ROLE_LABELS[invitation.role]}</td>
                      <td>
                        <time dateTime={isoOf(invitation.expires_at)}>{formatDateTime(invitation.expires_at)}</time>
                      </td>
                      <td className="table__actions">
                        <ConfirmButton
                          label="Revoke"
                          accessibleLabel={`Revoke the invitation for ${invitation.email}`}
                          question={`Revoke the invitation for ${invitation.email}?`}
                          busy={revoke.isPending && revoke.variables === invitation.id}
                          onConfirm={() => revoke.mutate(invitation.id)}
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryState>
    </section>
  );
}

/** Members of the workspace, adding and inviting people, and pending invitations. */
export function MembersTab() {
  const { current } = useCurrentWorkspace();
  const session = useSession();
  // Only the instance owner creates accounts directly; everyone else invites.
  const canAddDirectly = session.user.instance_role === 'owner';
  const id = current?.id ?? '';
  const [open, setOpen] = useState<'add' | 'invite' | null>(null);
  const [added, setAdded] = useState<string | null>(null);
  const [invitation, setInvitation] = useState<CreatedInvitation | null>(null);
  const members = useQuery({
    queryKey: memberKeys.list(id),
    queryFn: ({ signal }) => fetchMembers(id, signal),
    enabled: id !== '',
  });

  return (
    <div className="stack">
      <section className="section" aria-labelledby="members-title">
        <div className="section__head">
          <h2 className="section__title" id="members-title">
            Members
          </h2>
          {open === null && invitation === null ? (
            <div className="section__actions">
              {canAddDirectly ? (
                <button
                  type="button"
                  className="button"
                  onClick={() => {
                    setAdded(null);
                    setOpen('add');
                  }}
                >
                  Add member
                </button>
              ) : null}
              <button
                type="button"
                className="button button--primary"
                onClick={() => {
                  setAdded(null);
                  setOpen('invite');
                }}
              >
                Invite
              </button>
            </div>
          ) : null}
        </div>
        {added ? (
          <div className="notice notice--success" role="status">
            Added {added}.
          </div>
        ) : null}
        {invitation ? (
          <OneTimeSecret
            title={`Invitation link for ${invitation.email}`}
            label="Invitation link"
            value={absoluteInviteUrl(invitation.url)}
            warning="Copy this link and send it to them now: it is shown only once. It is valid for 7 days and works once."
            onDone={() => setInvitation(null)}
          />
        ) : null}
        {open === 'add' ? (
          <AddMemberForm
            workspaceId={id}
            onDone={(member) => {
              setOpen(null);
              setAdded(member ? member.name || member.email : null);
            }}
            onInvited={(created) => {
              setOpen(null);
              setInvitation(created);
            }}
          />
        ) : null}
        {open === 'invite' ? (
          <InviteForm
            workspaceId={id}
            onCreated={(created) => {
              setOpen(null);
              setInvitation(created);
            }}
            onCancel={() => setOpen(null)}
          />
        ) : null}
        <QueryState data={members.data} error={members.error} what="the members">
          {(list) => <MembersTable workspaceId={id} members={list} />}
        </QueryState>
      </section>
      <PendingInvitations workspaceId={id} />
    </div>
  );
}
