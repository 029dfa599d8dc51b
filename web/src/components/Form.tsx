/** Form building blocks: labelled fields with hints and errors, and the error of a whole form. */
import { useId, type ReactNode } from 'react';
import { ApiError, NETWORK_ERROR } from '../api/client';

/** Attributes a control gets from {@link Field} to tie it to its label, hint and error. */
export interface ControlProps {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}

interface FieldProps {
  label: string;
  /** Shown under the control; tied to it with aria-describedby. */
  hint?: ReactNode;
  /** The field's error, shown under the control; marks it aria-invalid. */
  error?: string | undefined;
  /** Renders the control with the given attributes. */
  children: (control: ControlProps) => ReactNode;
  className?: string;
}

/** A label, a control, and optionally a hint and an error for it. */
export function Field({ label, hint, error, children, className }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter((part) => part !== null).join(' ');
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy || undefined })}
      {hint ? (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field__error" id={errorId}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** Errors of a form: those of its fields by name, and a message for the form as a whole. */
export interface FormErrors {
  fields: Record<string, string>;
  message: string | null;
}

/**
 * Sorts an error into field errors (from a 422 `fields`) for the form's `known` fields and a
 * message for everything else. A field name such as `managed_tags[2]` or `managed_tags.2`
 * belongs to `managed_tags`.
 */
export function formErrors(error: unknown, known: readonly string[]): FormErrors {
  if (error === null || error === undefined) {
    return { fields: {}, message: null };
  }
  if (!(error instanceof ApiError)) {
    return { fields: {}, message: messageOf(error) };
  }
  const fields: Record<string, string> = {};
  const unknown: string[] = [];
  for (const [name, text] of Object.entries(error.fields)) {
    const base = known.find((field) => name === field || name.startsWith(`${field}[`) || name.startsWith(`${field}.`));
    if (base === undefined) {
      unknown.push(`${name}: ${text}`);
    } else {
      fields[base] = fields[base] ? `${fields[base]} ${text}` : text;
    }
  }
  let message: string | null;
  if (Object.keys(fields).length > 0) {
    message = unknown.length > 0 ? unknown.join(' ') : null;
  } else {
    message = describeApiError(error);
  }
  return { fields, message };
}

/** A sentence for an API error, suitable under a form or in a notice. */
export function describeApiError(error: ApiError): string {
  switch (error.code) {
    case NETWORK_ERROR:
      return 'Could not reach the Deskmate server. Check your connection and try again.';
    case 'csrf':
      return 'Your session’s security token is out of date. Reload the page and try again.';
    case 'forbidden':
      return `Your role does not allow this. ${error.message}`;
    default:
      return error.message;
  }
}

/**
 * A sentence for a failed request outside a form: the 422 field messages when there are some,
 * otherwise {@link describeApiError} for API errors and the message of anything else.
 */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = Object.values(error.fields);
    return fields.length > 0 ? fields.join(' ') : describeApiError(error);
  }
  return messageOf(error);
}

/** The message of something thrown: an Error's message, a thrown string, never "[object Object]". */
function messageOf(error: unknown): string {
  if (error instanceof Error) {
    return error.message;
  }
  return typeof error === 'string' ? error : 'Something went wrong.';
}

/** The message of a failed form, or nothing. */
export function FormError({ message }: { message: string | null }) {
  if (!message) {
    return null;
  }
  return (
    <div className="notice notice--danger" role="alert">
      {message}
    </div>
  );
}

/** A short confirmation after saving, announced politely. */
export function SavedNote({ show, children = 'Saved.' }: { show: boolean; children?: ReactNode }) {
  return (
    <span className="form__saved" role="status">
      {show ? children : null}
    </span>
  );
}

/** Shown instead of the Save button to people whose role cannot change the form. */
export function ReadOnlyNote({ children = 'Only admins can change this.' }: { children?: ReactNode }) {
  return <p className="form__readonly">{children}</p>;
}
