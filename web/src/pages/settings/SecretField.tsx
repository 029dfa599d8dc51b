import { Field } from '../../components/Form';

interface SecretFieldProps {
  label: string;
  /** Whether a secret is saved, and its masked hint such as `••••1234`. */
  saved: boolean;
  hint: string;
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
  disabled: boolean;
}

/**
 * A write-only secret such as an API key: the saved value is never shown, only its last
 * characters; leaving the box empty keeps it.
 */
export function SecretField({ label, saved, hint, value, onChange, error, disabled }: SecretFieldProps) {
  const description = saved
    ? `Saved: ${hint || '••••'}${disabled ? '' : '. Leave empty to keep it.'}`
    : disabled
      ? 'No key saved.'
      : 'No key saved yet.';
  return (
    <Field label={label} hint={description} error={error}>
      {(control) => (
        <input
          {...control}
          className="input input--mono"
          type="password"
          autoComplete="off"
          spellCheck={false}
          placeholder={saved ? 'Leave empty to keep the saved key' : ''}
          value={value}
          disabled={disabled}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
    </Field>
  );
}
