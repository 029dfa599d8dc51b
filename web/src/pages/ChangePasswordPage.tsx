import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { PASSWORD_MAX, PASSWORD_MIN, changePassword } from '../api/auth';
import { ApiError } from '../api/client';
import { Field, FormError, formErrors } from '../components/Form';
import { PageHeader } from '../components/PageHeader';
import { useSessionState } from '../session';
import { checkNewPassword } from './SetupPage';

const FIELDS = ['current_password', 'new_password'] as const;

/** Changes the signed-in user's password; their other sessions end. */
export function ChangePasswordPage() {
  const { refresh } = useSessionState();
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [checks, setChecks] = useState<Record<string, string>>({});
  const [done, setDone] = useState(false);

  const mutation = useMutation({
    mutationFn: changePassword,
    onSuccess: () => {
      setDone(true);
      setCurrentPassword('');
      setNewPassword('');
      setConfirm('');
      // The server may have renewed this session's CSRF token.
      void refresh();
    },
  });

  const wrongCurrent = mutation.error instanceof ApiError && mutation.error.status === 401;
  const server = formErrors(wrongCurrent ? null : mutation.error, FIELDS);
  const errors: Record<string, string> = { ...server.fields, ...checks };
  if (wrongCurrent && mutation.error instanceof ApiError) {
    errors.current_password = mutation.error.message;
  }

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setDone(false);
    const found = checkNewPassword(newPassword, confirm, 'new_password');
    if (currentPassword === '') {
      found.current_password = 'Enter your current password.';
    }
    setChecks(found);
    if (Object.keys(found).length > 0) {
      return;
    }
    mutation.mutate({ current_password: currentPassword, new_password: newPassword });
  };

  return (
    <>
      <PageHeader title="Change password" description="Changing your password signs you out on every other device." />
      <section className="panel form-panel" aria-label="Change password">
        {done ? (
          <div className="notice notice--success" role="status">
            Password changed. Your other sessions were signed out.
          </div>
        ) : null}
        <FormError message={server.message} />
        <form className="form" onSubmit={onSubmit} noValidate>
          <Field label="Current password" error={errors.current_password}>
            {(control) => (
              <input
                {...control}
                className="input"
                type="password"
                autoComplete="current-password"
                value={currentPassword}
                onChange={(event) => setCurrentPassword(event.target.value)}
              />
            )}
          </Field>
          <Field label="New password" hint={`${PASSWORD_MIN} to ${PASSWORD_MAX} characters.`} error={errors.new_password}>
            {(control) => (
              <input
                {...control}
                className="input"
                type="password"
                autoComplete="new-password"
                value={newPassword}
                onChange={(event) => setNewPassword(event.target.value)}
              />
            )}
          </Field>
          <Field label="Confirm new password" error={errors.confirm}>
            {(control) => (
              <input
                {...control}
                className="input"
                type="password"
                autoComplete="new-password"
                value={confirm}
                onChange={(event) => setConfirm(event.target.value)}
              />
            )}
          </Field>
          <div className="form__actions">
            <button type="submit" className="button button--primary" disabled={mutation.isPending}>
              {mutation.isPending ? 'Changing…' : 'Change password'}
            </button>
          </div>
        </form>
      </section>
    </>
  );
}
