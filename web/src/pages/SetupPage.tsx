import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { PASSWORD_MAX, PASSWORD_MIN, setupOwner } from '../api/auth';
import { ApiError } from '../api/client';
import { AuthFrame } from '../components/AuthFrame';
import { Field, FormError, formErrors } from '../components/Form';
import { useSessionState } from '../session';

const FIELDS = ['name', 'email', 'password'] as const;

/** Where the new owner goes once set up: creating the first workspace is the next step. */
export const AFTER_SETUP_PATH = '/workspaces';

/** Checks a new password and its confirmation; returns the errors by field. */
export function checkNewPassword(password: string, confirm: string, field = 'password'): Record<string, string> {
  const errors: Record<string, string> = {};
  if (password.length < PASSWORD_MIN) {
    errors[field] = `Use at least ${PASSWORD_MIN} characters.`;
  } else if (password.length > PASSWORD_MAX) {
    errors[field] = `Use at most ${PASSWORD_MAX} characters.`;
  }
  if (confirm !== password) {
    errors.confirm = 'The passwords do not match.';
  }
  return errors;
}

/** First run: creates the first user, who owns this Deskmate installation. */
export function SetupPage() {
  const { signIn, refresh } = useSessionState();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [checks, setChecks] = useState<Record<string, string>>({});

  const mutation = useMutation({
    mutationFn: setupOwner,
    // Signed in, the setup route sends the new owner on to AFTER_SETUP_PATH.
    onSuccess: signIn,
  });

  const alreadySetUp = mutation.error instanceof ApiError && mutation.error.code === 'conflict';
  const server = formErrors(alreadySetUp ? null : mutation.error, FIELDS);
  const errors = { ...server.fields, ...checks };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const found = checkNewPassword(password, confirm);
    if (name.trim() === '') {
      found.name = 'Enter your name.';
    }
    setChecks(found);
    if (Object.keys(found).length > 0) {
      return;
    }
    mutation.mutate({ name: name.trim(), email: email.trim(), password });
  };

  return (
    <AuthFrame
      title="Set up Deskmate"
      description="Create the first account. It owns this installation: it can create workspaces and manage everyone’s access."
    >
      {alreadySetUp ? (
        <div className="notice notice--warning" role="alert">
          Deskmate is already set up.{' '}
          <button type="button" className="link-button" onClick={() => void refresh()}>
            Go to sign in
          </button>
        </div>
      ) : null}
      <FormError message={server.message} />
      <form className="form" onSubmit={onSubmit} noValidate>
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
        <Field label="Email" error={errors.email}>
          {(control) => (
            <input
              {...control}
              className="input"
              type="email"
              autoComplete="email"
              required
              maxLength={320}
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
          )}
        </Field>
        <Field label="Password" hint={`${PASSWORD_MIN} to ${PASSWORD_MAX} characters.`} error={errors.password}>
          {(control) => (
            <input
              {...control}
              className="input"
              type="password"
              autoComplete="new-password"
              required
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          )}
        </Field>
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
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={mutation.isPending}>
            {mutation.isPending ? 'Creating account…' : 'Create account'}
          </button>
        </div>
      </form>
    </AuthFrame>
  );
}
