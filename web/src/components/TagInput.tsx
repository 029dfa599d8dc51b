import type { KeyboardEvent } from 'react';
import type { ControlProps } from './Form';

interface TagInputProps extends ControlProps {
  value: readonly string[];
  onChange: (tags: string[]) => void;
  /** Text typed but not yet turned into a tag; forms add it on submit with {@link withPendingTag}. */
  draft: string;
  onDraftChange: (text: string) => void;
  disabled?: boolean;
  placeholder?: string;
  /** Most tags allowed; further ones are not added. */
  max?: number;
  /** Longest tag allowed; longer text is cut. */
  maxLength?: number;
}

/**
 * `tags` with the comma-separated pieces of `text` added: trimmed, cut to `maxLength`, without
 * duplicates (compared regardless of case) and at most `max` in all.
 */
export function addTags(tags: readonly string[], text: string, max?: number, maxLength?: number): string[] {
  const next = [...tags];
  for (const raw of text.split(',')) {
    const piece = maxLength ? raw.trim().slice(0, maxLength) : raw.trim();
    if (piece === '' || (max !== undefined && next.length >= max)) {
      continue;
    }
    if (!next.some((tag) => tag.toLowerCase() === piece.toLowerCase())) {
      next.push(piece);
    }
  }
  return next;
}

/** The tags a form should save: those added plus what is still typed in the box. */
export function withPendingTag(tags: readonly string[], draft: string): string[] {
  return addTags(tags, draft);
}

/**
 * A list of tags edited as chips: type a tag and press Enter or a comma to add it, Backspace in
 * the empty box removes the last one. Text still in the box is saved with the form (it is not
 * turned into a chip on blur, which would move the form's buttons under the pointer).
 */
export function TagInput({
  value,
  onChange,
  draft,
  onDraftChange,
  disabled,
  placeholder,
  max,
  maxLength,
  ...control
}: TagInputProps) {
  const commit = (text: string) => {
    const next = addTags(value, text, max, maxLength);
    if (next.length !== value.length) {
      onChange(next);
    }
    onDraftChange('');
  };

  const remove = (index: number) => {
    onChange(value.filter((_, i) => i !== index));
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter' && draft.trim() !== '') {
      event.preventDefault();
      commit(draft);
    } else if (event.key === 'Backspace' && draft === '' && value.length > 0) {
      remove(value.length - 1);
    }
  };

  return (
    <div className={disabled ? 'tag-input tag-input--disabled' : 'tag-input'}>
      {value.length > 0 ? (
        <ul className="tag-input__tags" aria-label="Added tags">
          {value.map((tag, index) => (
            <li key={tag} className="tag-input__tag">
              <span>{tag}</span>
              {disabled ? null : (
                <button
                  type="button"
                  className="tag-input__remove"
                  aria-label={`Remove tag ${tag}`}
                  onClick={() => remove(index)}
                >
                  ×
                </button>
              )}
            </li>
          ))}
        </ul>
      ) : null}
      <input
        {...control}
        className="tag-input__input"
        type="text"
        value={draft}
        disabled={disabled}
        placeholder={value.length === 0 ? (disabled ? 'None' : placeholder) : undefined}
        onChange={(event) => {
          const text = event.target.value;
          if (text.includes(',')) {
            commit(text);
          } else {
            onDraftChange(text);
          }
        }}
        onKeyDown={onKeyDown}
      />
    </div>
  );
}
