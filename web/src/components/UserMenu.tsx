import { useMutation } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { logout, logoutEverywhere } from '../api/auth';
import { useSession, useSessionState } from '../session';

/** The signed-in user's name in the header, opening Change password and the ways to sign out. */
export function UserMenu() {
  const session = useSession();
  const { signOut } = useSessionState();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuId = useId();

  const end = useMutation({
    mutationFn: (everywhere: boolean) => (everywhere ? logoutEverywhere() : logout()),
    // Signed out on the server or not (the session may have ended already), forget it here;
    // the sign-in guard then shows the login page.
    onSettled: () => signOut(),
  });

  useEffect(() => {
    if (!open) {
      return undefined;
    }
    const onPointer = (event: PointerEvent | MouseEvent) => {
      if (rootRef.current && event.target instanceof Node && !rootRef.current.contains(event.target)) {
        setOpen(false);
      }
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        setOpen(false);
        buttonRef.current?.focus();
      }
    };
    document.addEventListener('mousedown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const choose = (action: () => void) => {
    setOpen(false);
    action();
  };

  return (
    <div className="user-menu" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className="user-menu__button"
        aria-expanded={open}
        aria-controls={menuId}
        onClick={() => setOpen((value) => !value)}
      >
        <span className="user-menu__avatar" aria-hidden="true">
          {(session.user.name.trim()[0] ?? session.user.email[0] ?? '?').toUpperCase()}
        </span>
        <span className="user-menu__name">{session.user.name || session.user.email}</span>
        <span className="user-menu__caret" aria-hidden="true">
          ▾
        </span>
      </button>
      <div className="user-menu__popup" id={menuId} hidden={!open}>
        <p className="user-menu__email">{session.user.email}</p>
        <ul className="user-menu__list">
          <li>
            <button type="button" className="user-menu__item" onClick={() => choose(() => void navigate('/account/password'))}>
              Change password
            </button>
          </li>
          <li>
            <button
              type="button"
              className="user-menu__item"
              disabled={end.isPending}
              onClick={() => choose(() => end.mutate(false))}
            >
              Sign out
            </button>
          </li>
          <li>
            <button
              type="button"
              className="user-menu__item"
              disabled={end.isPending}
              onClick={() => choose(() => end.mutate(true))}
            >
              Sign out everywhere
            </button>
          </li>
        </ul>
      </div>
    </div>
  );
}
