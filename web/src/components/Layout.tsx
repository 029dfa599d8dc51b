import { useEffect, useRef } from 'react';
import { Link, Outlet, useLocation } from 'react-router';
import { HOME_PATH } from '../sections';
import { Nav } from './Nav';

function Logo() {
  return (
    <svg className="brand__logo" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="7" fill="currentColor" />
      <path d="M9 8h7.5a8 8 0 0 1 0 16H9z" fill="none" stroke="#fff" strokeWidth="3" strokeLinejoin="round" />
    </svg>
  );
}

/** The app frame: header, navigation and the current page. */
export function Layout() {
  const { pathname } = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  const previousPath = useRef(pathname);

  // After navigating, move focus to the new page so keyboard and screen reader users start there.
  useEffect(() => {
    if (previousPath.current !== pathname) {
      previousPath.current = pathname;
      mainRef.current?.focus();
    }
  }, [pathname]);

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Link to={HOME_PATH} className="brand">
          <Logo />
          <span className="brand__name">Deskmate</span>
        </Link>
        <span className="app-header__subtitle">Admin</span>
      </header>
      <div className="app-body">
        <aside className="sidebar">
          <Nav />
        </aside>
        <main id="main" className="content" tabIndex={-1} ref={mainRef}>
          <Outlet />
        </main>
      </div>
    </div>
  );
}
