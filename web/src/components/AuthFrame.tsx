import type { ReactNode } from 'react';
import { Logo } from './Logo';

interface AuthFrameProps {
  title: string;
  description?: ReactNode;
  children: ReactNode;
}

/** The frame of the pages used before signing in: setup, login and invitations. */
export function AuthFrame({ title, description, children }: AuthFrameProps) {
  return (
    <div className="auth">
      <title>{`${title} · Deskmate`}</title>
      <main className="auth__card" id="main">
        <div className="auth__brand">
          <Logo />
          <span className="brand__name">Deskmate</span>
        </div>
        <h1 className="auth__title">{title}</h1>
        {description ? <p className="auth__description">{description}</p> : null}
        {children}
      </main>
    </div>
  );
}
