import { Navigate, Outlet, Route, Routes, useLocation } from 'react-router';
import { errorText } from './components/Form';
import { Layout } from './components/Layout';
import { ChangePasswordPage } from './pages/ChangePasswordPage';
import { AutomationEditor } from './pages/automations/AutomationEditor';
import { AutomationsPage } from './pages/automations/AutomationsPage';
import { ConversationsPage } from './pages/conversations/ConversationsPage';
import { GorgiasPage } from './pages/gorgias/GorgiasPage';
import { RunPage } from './pages/conversations/RunPage';
import { InstructionsPage } from './pages/instructions/InstructionsPage';
import { InvitePage } from './pages/InvitePage';
import { KnowledgeBasePage } from './pages/knowledge/KnowledgeBasePage';
import { KnowledgePage } from './pages/knowledge/KnowledgePage';
import { LoginPage, returnPath } from './pages/LoginPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { PlaceholderPage } from './pages/PlaceholderPage';
import { PlaygroundPage } from './pages/playground/PlaygroundPage';
import { SandboxPage } from './pages/sandbox/SandboxPage';
import { AFTER_SETUP_PATH, SetupPage } from './pages/SetupPage';
import { GettingStartedPage } from './pages/start/GettingStartedPage';
import { StatusPage } from './pages/StatusPage';
import { TagsPage } from './pages/tags/TagsPage';
import { WorkspacesPage } from './pages/WorkspacesPage';
import { AgentSettingsTab } from './pages/settings/AgentSettingsTab';
import { AuditTab } from './pages/settings/AuditTab';
import { GeneralSettings } from './pages/settings/GeneralSettings';
import { MembersTab } from './pages/settings/MembersTab';
import { ModelSettingsTab } from './pages/settings/ModelSettingsTab';
import { AdminOnly, SettingsPage } from './pages/settings/SettingsPage';
import { TokensTab } from './pages/settings/TokensTab';
import { sections } from './sections';
import { SessionProvider, useSessionState } from './session';
import { WorkspaceProvider } from './workspace';

/** Shown while the app finds out who is signed in, or when it could not. */
function SessionFallback({ error, retry }: { error: Error | null; retry: () => void }) {
  if (!error) {
    return (
      <div className="boot" role="status">
        Loading Deskmate…
      </div>
    );
  }
  return (
    <div className="boot">
      <title>Deskmate</title>
      <section className="card notice notice--error boot__error" role="alert" aria-labelledby="boot-error-title">
        <h1 className="notice__title" id="boot-error-title">
          Could not reach the Deskmate server
        </h1>
        <p>{errorText(error)}</p>
        <p>
          <button type="button" className="button" onClick={retry}>
            Try again
          </button>
        </p>
      </section>
    </div>
  );
}

/** While the installation has no user, every page leads to setup. */
function RequireSetupDone() {
  const { state } = useSessionState();
  if (state.setupNeeded) {
    return <Navigate to="/setup" replace />;
  }
  return <Outlet />;
}

/** The setup page, only while it is needed. Once done, the new owner starts on Workspaces. */
function SetupRoute() {
  const { state } = useSessionState();
  if (!state.setupNeeded) {
    return <Navigate to={state.session ? AFTER_SETUP_PATH : '/login'} replace />;
  }
  return <SetupPage />;
}

/** The login page, for people not signed in. */
function LoginRoute() {
  const { state } = useSessionState();
  const location = useLocation();
  if (state.session) {
    return <Navigate to={returnPath(location.state)} replace />;
  }
  return <LoginPage />;
}

/** Signed-in pages: others are sent to the login page, which brings them back afterwards. */
function RequireSession() {
  const { state } = useSessionState();
  const location = useLocation();
  if (!state.session) {
    return <Navigate to="/login" replace state={{ from: `${location.pathname}${location.search}${location.hash}` }} />;
  }
  return (
    <WorkspaceProvider>
      <Layout />
    </WorkspaceProvider>
  );
}

/** The routes of the admin. Needs a router and a QueryClientProvider around it. */
export function App() {
  return (
    <SessionProvider fallback={(state) => <SessionFallback {...state} />}>
      <Routes>
        <Route path="/setup" element={<SetupRoute />} />
        <Route element={<RequireSetupDone />}>
          <Route path="/login" element={<LoginRoute />} />
          <Route path="/invite/:token" element={<InvitePage />} />
          <Route element={<RequireSession />}>
            <Route index element={<GettingStartedPage />} />
            {sections
              .filter((section) => !section.available)
              .map((section) => (
                <Route key={section.path} path={section.path} element={<PlaceholderPage section={section} />} />
              ))}
            <Route path="/knowledge" element={<KnowledgePage />} />
            <Route path="/knowledge/:kb" element={<KnowledgeBasePage />} />
            <Route path="/automations" element={<AutomationsPage />} />
            <Route path="/automations/:automationId" element={<AutomationEditor />} />
            <Route path="/instructions" element={<InstructionsPage />} />
            <Route path="/tags" element={<TagsPage />} />
            <Route path="/gorgias" element={<GorgiasPage />} />
            <Route path="/playground" element={<PlaygroundPage />} />
            <Route path="/sandbox" element={<SandboxPage />} />
            <Route path="/conversations" element={<ConversationsPage />} />
            <Route path="/conversations/:runId" element={<RunPage />} />
            <Route path="/status" element={<StatusPage />} />
            <Route path="/workspaces" element={<WorkspacesPage />} />
            <Route path="/settings" element={<SettingsPage />}>
              <Route index element={<Navigate to="general" replace />} />
              <Route path="general" element={<GeneralSettings />} />
              <Route path="agent" element={<AgentSettingsTab />} />
              <Route path="model" element={<ModelSettingsTab />} />
              <Route
                path="members"
                element={
                  <AdminOnly>
                    <MembersTab />
                  </AdminOnly>
                }
              />
              <Route
                path="tokens"
                element={
                  <AdminOnly>
                    <TokensTab />
                  </AdminOnly>
                }
              />
              <Route
                path="audit"
                element={
                  <AdminOnly>
                    <AuditTab />
                  </AdminOnly>
                }
              />
            </Route>
            <Route path="/account/password" element={<ChangePasswordPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Route>
      </Routes>
    </SessionProvider>
  );
}
