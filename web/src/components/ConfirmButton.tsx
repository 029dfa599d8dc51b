import { useEffect, useRef, useState } from 'react';

interface ConfirmButtonProps {
  /** Text of the button, such as "Remove". */
  label: string;
  /** Accessible name when the label alone is ambiguous, such as "Remove Ada Lovelace". */
  accessibleLabel?: string;
  /** The question asked before acting, such as "Remove Ada?". */
  question: string;
  /** Text of the button that confirms; defaults to `label`. */
  confirmLabel?: string;
  onConfirm: () => void;
  disabled?: boolean;
  busy?: boolean;
}

/**
 * A destructive action that asks first, in place: the button turns into the question with
 * Confirm and Cancel buttons.
 */
export function ConfirmButton({
  label,
  accessibleLabel,
  question,
  confirmLabel,
  onConfirm,
  disabled,
  busy,
}: ConfirmButtonProps) {
  const [asking, setAsking] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const startRef = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);

  useEffect(() => {
    if (asking) {
      confirmRef.current?.focus();
    } else if (wasAsking.current) {
      startRef.current?.focus();
    }
    wasAsking.current = asking;
  }, [asking]);

  if (asking && !busy) {
    return (
      <span className="confirm" role="group" aria-label={question}>
        <span className="confirm__question">{question}</span>
        <button
          ref={confirmRef}
          type="button"
          className="button button--danger button--small"
          onClick={() => {
            setAsking(false);
            onConfirm();
          }}
        >
          {confirmLabel ?? label}
        </button>
        <button type="button" className="button button--small" onClick={() => setAsking(false)}>
          Cancel
        </button>
      </span>
    );
  }
  return (
    <button
      ref={startRef}
      type="button"
      className="button button--small button--danger-quiet"
      aria-label={accessibleLabel}
      disabled={disabled || busy}
      onClick={() => setAsking(true)}
    >
      {busy ? 'Working…' : label}
    </button>
  );
}
