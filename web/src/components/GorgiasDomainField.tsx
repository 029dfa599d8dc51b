/** The Gorgias account subdomain: its field and how what was typed is read. */
import { Field } from './Form';

/** The Gorgias subdomain from what was typed: `acme` from "acme", "acme.gorgias.com" or "https://acme.gorgias.com/". */
export function gorgiasSubdomain(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/\/.*$/, '')
    .replace(/\.gorgias\.com$/, '');
}

interface GorgiasDomainFieldProps {
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  /** Says in the hint that the field may stay empty. */
  optional?: boolean;
}

/** The "Gorgias domain" field of the forms that name an account. */
export function GorgiasDomainField({ value, onChange, error, optional = false }: GorgiasDomainFieldProps) {
  return (
    <Field
      label="Gorgias domain"
      hint={
        <>
          The account subdomain: <code>acme</code> for acme.gorgias.com.{optional ? ' Optional.' : null}
        </>
      }
      error={error}
    >
      {(control) => (
        <input
          {...control}
          className="input"
          type="text"
          autoComplete="off"
          value={value}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
    </Field>
  );
}
