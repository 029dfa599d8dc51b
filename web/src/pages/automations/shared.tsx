/** Pieces shared by the Automations, Instructions and Tags pages. */
import { POST_ACTION_LABELS, type PostAction } from '../../api/automations';
import type { ControlProps } from '../../components/Form';

/** "87%" for 0.87. */
export function percent(value: number): string {
  return `${Math.round(value * 100)}%`;
}

/** A character count against a limit, turning red past it. */
export function CharCounter({ length, max, id }: { length: number; max: number; id?: string }) {
  return (
    <p className={length > max ? 'counter counter--over' : 'counter'} id={id} aria-live="polite">
      {length} / {max} characters
    </p>
  );
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
