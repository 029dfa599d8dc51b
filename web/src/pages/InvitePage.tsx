import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, Navigate, useParams } from 'react-router';
import { PASSWORD_MAX, PASSWORD_MIN, type Session } from '../api/auth';
import { ApiError } from '../api/client';
import { acceptInvitation, fetchInvitation, invitationKeys, type InvitationPreview } from '../api/invitations';
import { AuthFrame } from '../components/AuthFrame';
import { Field, FormError, errorText, formErrors } from '../components/Form';
import { formatDateTime } from '../format';
import { ROLE_LABELS } from '../roles';
import { useSessionState } from '../session';
import { rememberWorkspace } from '../workspace';
import { checkNewPassword } from './SetupPage';

/** The page a new member lands on after accepting. */
export const AFTER_ACCEPT_PATH = '/settings';

/** The workspace the invitation was for, among the session's workspaces. */
function invitedWorkspace(session: Session, invitation: InvitationPreview): string | undefined {
  const matches = session.workspaces.filter((ref) => ref.name === invitation.workspace_name);
  return (matches[matches.length - 1] ?? session.workspaces[0])?.id;
}

function AcceptForm({ token, invitation }: { token: string; invitation: InvitationPreview }) {
  const { signIn, state } = useSessionState();
  const [joinedAs, setJoinedAs] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [checks, setChecks] = useState<Record<string, string>>({});
  const existing = invitation.existing_user;

  const mutation = useMutation({
    mutationFn: (input: { name: string; password: string }) => acceptInvitation(token, input),
    onSuccess: (session) => {
      const workspaceId = invitedWorkspace(session, invitation);
      if (workspaceId !== undefined) {
        rememberWorkspace(workspaceId);
      }
      signIn(session);
      setJoinedAs(session.user.id);
    },
  });

  // Go on once the new session is the app's session.
  if (joinedAs !== null && state.session?.user.id === joinedAs) {
    return <Navigate to={AFTER_ACCEPT_PATH} replace />;
  }

  const wrongPassword = mutation.error instanceof ApiError && mutation.error.status === 401;
  const server = formErrors(wrongPassword ? null : mutation.error, ['name', 'password']);
  const errors: Record<string, string> = { ...server.fields, ...checks };
  if (wrongPassword && mutation.error instanceof ApiError) {
    errors.password = mutation.error.message;
  }

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    let found: Record<string, string> = {};
    if (existing) {
      if (password === '') {
        found.password = 'Enter your password.';
      }
    } else {
      found = checkNewPassword(password, confirm);
      if (name.trim() === '') {
        found.name = 'Enter your name.';
      }
    }
    setChecks(found);
    if (Object.keys(found).length > 0) {
      return;
    }
    mutation.mutate({ name: existing ? '' : name.trim(), password });
  };

  const signedInAs = state.session?.user;

  return (
    <>
      <dl className="invite-facts">
        <div>
          <dt>Workspace</dt>
          <dd>{invitation.workspace_name}</dd>
        </div>
        <div>
          <dt>Email</dt>
          <dd>{invitation.email}</dd>
        </div>
        <div>
          <dt>Role</dt>
          <dd>{ROLE_LABELS[invitation.role]}</dd>
        </div>
        {invitation.expires_at ? (
          <div>
            <dt>Valid until</dt>
            <dd>{formatDateTime(invitation.expires_at)}</dd>
          </div>
        ) : null}
      </dl>
      {signedInAs && signedInAs.email.toLowerCase() !== invitation.email.toLowerCase() ? (
        <div className="notice notice--warning" role="status">
          You are signed in as {signedInAs.email}. Accepting signs you in as {invitation.email} instead.
        </div>
      ) : null}
      <FormError message={server.message} />
      <form className="form" onSubmit={onSubmit} noValidate>
        {existing ? (
          <p className="form__intro">
            {invitation.email} already has a Deskmate account. Enter its password to join {invitation.workspace_name}.
          </p>
        ) : (
          <Field label="Your name" error={errors.name}>
            {(control) => (
              <input
                {...control}
                className="input"
                type="text"
                autoComplete="name"
                required
                maxLength={200}
                value={name}
                onChange={(event) => setName(event.target.value)}
              />
            )}
          </Field>
        )}
        <Field
          label={existing ? 'Your password' : 'Choose a password'}
          hint={existing ? undefined : `${PASSWORD_MIN} to ${PASSWORD_MAX} characters.`}
          error={errors.password}
        >
          {(control) => (
            <input
              {...control}
              className="input"
              type="password"
              autoComplete={existing ? 'current-password' : 'new-password'}
              required
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          )}
        </Field>
        {existing ? null : (
          <Field label="Confirm password" error={errors.confirm}>
            {(control) => (
              <input
                {...control}
                className="input"
                type="password"
                autoComplete="new-password"
                required
                value={confirm}
                onChange={(event) => setConfirm(event.target.value)}
              />
            )}
          </Field>
        )}
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={mutation.isPending}>
            {mutation.isPending ? 'Joining…' : `Join ${invitation.workspace_name}`}
          </button>
        </div>
      </form>
    </>
  );
}

/** An invitation link: shows what it offers and lets the person invited join. */
export function InvitePage() {
  const { token = '' } = useParams();
  const query = useQuery({
    queryKey: invitationKeys.preview(token),
    queryFn: ({ signal }) => fetchInvitation(token, signal),
    retry: false,
    staleTime: Infinity,
  });

  if (query.data) {
    return (
      <AuthFrame title={`Join ${query.data.workspace_name}`} description="You have been invited to a Deskmate workspace.">
        <AcceptForm token={token} invitation={query.data} />
      </AuthFrame>
    );
  }
  if (query.error) {
    const gone = query.error instanceof ApiError && query.error.status === 404;
    return (
      <AuthFrame title={gone ? 'This invitation is not valid' : 'Could not open the invitation'}>
        <div className="notice notice--danger" role="alert">
          {gone
            ? 'The link is unknown, was already used, was revoked or has expired (invitations are valid for 7 days). Ask an admin of the workspace for a new one.'
            : errorText(query.error)}
        </div>
        <p className="auth__footer">
          <Link to="/login">Go to sign in</Link>
        </p>
      </AuthFrame>
    );
  }
  return (
    <AuthFrame title="Invitation">
      <p className="loading" role="status">
        Opening the invitation…
      </p>
    </AuthFrame>
  );
}
