/** Pieces shared by the Automations, Instructions and Tags pages. */
import { Link } from 'react-router';
import { POST_ACTION_LABELS, type PostAction } from '../../api/automations';
import { ApiError } from '../../api/client';
import { describeApiError, type ControlProps } from '../../components/Form';
import type { Role } from '../../api/auth';
import { PageHeader } from '../../components/PageHeader';
import { atLeast } from '../../roles';

/** Editors and above change automations, instructions and tags; viewers only look. */
export function canEditContent(role: Role | null | undefined): boolean {
  return atLeast(role, 'editor');
}

/** "87%" for 0.87. */
export function percent(value: number): string {
  return `${Math.round(value * 100)}%`;
}

/** The page of a section that needs a workspace, for a user who has none. */
export function NoWorkspace({ title }: { title: string }) {
  return (
    <>
      <PageHeader title={title} />
      <section className="panel panel--empty" aria-label="No workspace">
        <p className="panel__text">
          {title} belong to a workspace, and you have none yet. <Link to="/workspaces">Go to Workspaces</Link>.
        </p>
      </section>
    </>
  );
}

/** A character count against a limit, turning red past it. */
export function CharCounter({ length, max, id }: { length: number; max: number; id?: string }) {
  return (
    <p className={length > max ? 'counter counter--over' : 'counter'} id={id} aria-live="polite">
      {length} / {max} characters
    </p>
  );
}

/** A sentence for a failed request: the 422 field messages when there are some, else the message. */
export function errorText(error: Error): string {
  if (error instanceof ApiError) {
    const fields = Object.values(error.fields);
    return fields.length > 0 ? fields.join(' ') : describeApiError(error);
  }
  return error.message;
}

/**
 * A select of post-actions (what Deskmate does with a ticket afterwards), in the given order,
 * labelled the same everywhere.
 */
export function PostActionSelect({
  control,
  actions,
  value,
  onChange,
}: {
  control: ControlProps;
  actions: readonly PostAction[];
  value: PostAction;
  onChange: (action: PostAction) => void;
}) {
  return (
    <select
      {...control}
      className="select"
      value={value}
      onChange={(event) => {
        const next = actions.find((action) => action === event.target.value);
        if (next) {
          onChange(next);
        }
      }}
    >
      {actions.map((action) => (
        <option key={action} value={action}>
          {POST_ACTION_LABELS[action]}
        </option>
      ))}
    </select>
  );
}
