import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';

import { login } from '../api/auth';
import { ApiError } from '../api/client';
import { AuthFrame } from '../components/AuthFrame';
import { Field, FormError, formErrors } from '../components/Form';
import { minutesFrom } from '../format';
import { HOME_PATH } from '../sections';
import { useSessionState } from '../session';

/** Where to go after signing in: the page that sent the user here, if it is one of ours. */
export function returnPath(state: unknown): string {
  if (typeof state === 'object' && state !== null && 'from' in state) {
    const { from } = state;
    if (typeof from === 'string' && from.startsWith('/') && !from.startsWith('//') && !from.startsWith('/login')) {
      return from;
    }
  }
  return HOME_PATH;
}

function loginErrorMessage(error: unknown): string | null {
  if (error instanceof ApiError && error.status === 429) {
    return error.retryAfter === undefined
      ? error.message
      : `Too many attempts, try again in ${minutesFrom(error.retryAfter)}.`;
  }
  if (error instanceof ApiError && error.status === 401) {
    return error.message;
  }
  return formErrors(error, ['email', 'password']).message;
}

/** Sign in with email and password, then return to the page the user wanted. */
export function LoginPage() {
  const { signIn, state } = useSessionState();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');

  const mutation = useMutation({
    mutationFn: login,
    // Signed in, the login route sends the user back to the page they wanted (see returnPath).
    onSuccess: signIn,
  });

  const fields = formErrors(mutation.error, ['email', 'password']).fields;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    mutation.mutate({ email: email.trim(), password });
  };

  return (
    <AuthFrame title="Sign in" description="Sign in to the Deskmate admin.">
      {state.ended && !mutation.error ? (
        <div className="notice notice--warning" role="status">
          Your session has ended. Sign in again to continue.
        </div>
      ) : null}
      <FormError message={loginErrorMessage(mutation.error)} />
      <form className="form" onSubmit={onSubmit} noValidate>
        <Field label="Email" error={fields.email}>
          {(control) => (
            <input
              {...control}
              className="input"
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
          )}
        </Field>
        <Field label="Password" error={fields.password}>
          {(control) => (
            <input
              {...control}
              className="input"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          )}
        </Field>
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={mutation.isPending}>
            {mutation.isPending ? 'Signing in…' : 'Sign in'}
          </button>
        </div>
      </form>
    </AuthFrame>
  );
}
