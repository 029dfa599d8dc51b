import type { ReactNode } from 'react';

/** Visual tone of a badge. The text always carries the meaning; colour only reinforces it. */
export type BadgeTone = 'ok' | 'error' | 'warning' | 'neutral';

interface BadgeProps {
  tone: BadgeTone;
  children: ReactNode;
}

/** A small pill showing a state such as "Ready" or "Unavailable". */
export function Badge({ tone, children }: BadgeProps) {
  return (
    <span className={`badge badge--${tone}`}>
      <span className="badge__dot" aria-hidden="true" />
      {children}
    </span>
  );
}
