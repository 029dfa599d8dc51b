import type { ReactNode } from 'react';
import { NavLink, Outlet } from 'react-router';
import { NoWorkspace } from '../../components/NoWorkspace';
import { PageHeader } from '../../components/PageHeader';
import { canAdminister, ROLE_LABELS } from '../../roles';
import { useCurrentWorkspace } from '../../workspace';

/** A tab of the Settings page. */
export interface SettingsTab {
  path: string;
  label: string;
  /** Only for admins and owners. */
  adminOnly: boolean;
}

export const SETTINGS_TABS: readonly SettingsTab[] = [
  { path: 'general', label: 'General', adminOnly: false },
  { path: 'agent', label: 'Agent', adminOnly: false },
  { path: 'model', label: 'Model', adminOnly: false },
  { path: 'members', label: 'Members', adminOnly: true },
  { path: 'tokens', label: 'API tokens', adminOnly: true },
  { path: 'audit', label: 'Audit log', adminOnly: true },
];

/** Settings of the current workspace, one tab per area; tabs the role cannot use are hidden. */
export function SettingsPage() {
  const { current, role } = useCurrentWorkspace();

  if (current === null) {
    return <NoWorkspace title="Settings" />;
  }

  const tabs = SETTINGS_TABS.filter((tab) => !tab.adminOnly || canAdminister(role));

  return (
    <>
      <PageHeader
        title="Settings"
        description={
          <>
            Workspace <strong>{current.name}</strong>
            {role ? <> · your role: {ROLE_LABELS[role]}</> : null}
          </>
        }
      />
      <nav className="tabs" aria-label="Settings">
        <ul className="tabs__list">
          {tabs.map((tab) => (
            <li key={tab.path}>
              <NavLink
                to={`/settings/${tab.path}`}
                className={({ isActive }) => (isActive ? 'tabs__link tabs__link--active' : 'tabs__link')}
              >
                {tab.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <div className="tabs__panel" key={current.id}>
        <Outlet />
      </div>
    </>
  );
}

/** Wraps a tab that needs the admin role: others get an explanation instead. */
export function AdminOnly({ children }: { children: ReactNode }) {
  const { role } = useCurrentWorkspace();
  if (!canAdminister(role)) {
    return (
      <section className="panel panel--empty" aria-label="Not allowed">
        <p className="panel__text">Only admins and owners of this workspace can see this.</p>
      </section>
    );
  }
  return <>{children}</>;
}
