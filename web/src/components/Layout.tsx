import { useEffect, useRef } from 'react';
import { Link, Outlet, useLocation } from 'react-router';
import { HOME_PATH } from '../sections';
import { Logo } from './Logo';
import { Nav } from './Nav';
import { UserMenu } from './UserMenu';
import { WorkspaceSwitcher } from './WorkspaceSwitcher';

/** The app frame of signed-in pages: header with workspace and user, navigation and the current page. */
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
        <div className="app-header__end">
          <WorkspaceSwitcher />
          <UserMenu />
        </div>
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
