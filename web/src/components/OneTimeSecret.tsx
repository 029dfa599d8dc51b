import { useId, useRef, useState, type ReactNode } from 'react';

interface OneTimeSecretProps {
  /** Heading of the box, such as "Invitation link for ada@example.com". */
  title: string;
  /** Label of the value's text box. */
  label: string;
  value: string;
  /** Why the value is shown only now. */
  warning: ReactNode;
  /** Called when the user is done; the value is then gone for good. */
  onDone: () => void;
}

/**
 * Shows a value the server reveals only once (an invitation link, an API token) with a Copy
 * button and a warning that it cannot be shown again.
 */
export function OneTimeSecret({ title, label, value, warning, onDone }: OneTimeSecretProps) {
  const inputRef = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const titleId = useId();
  const inputId = useId();

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('yes');
    } catch {
      // Without clipboard access, select the text so that it can be copied by hand.
      inputRef.current?.select();
      setCopied('failed');
    }
  };

  return (
    <section className="secret" aria-labelledby={titleId}>
      <h3 className="secret__title" id={titleId}>
        {title}
      </h3>
      <p className="secret__warning">{warning}</p>
      <div className="secret__row">
        <label className="visually-hidden" htmlFor={inputId}>
          {label}
        </label>
        <input
          id={inputId}
          ref={inputRef}
          className="input input--mono secret__value"
          type="text"
          readOnly
          value={value}
          onFocus={(event) => event.target.select()}
        />
        <button type="button" className="button" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" className="button button--quiet" onClick={onDone}>
          Done
        </button>
      </div>
      <p className="secret__status" role="status">
        {copied === 'yes' ? 'Copied to the clipboard.' : copied === 'failed' ? 'Press Ctrl+C (⌘C) to copy the selected text.' : ''}
      </p>
    </section>
  );
}
