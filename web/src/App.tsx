import { Navigate, Route, Routes } from 'react-router';
import { Layout } from './components/Layout';
import { NotFoundPage } from './pages/NotFoundPage';
import { PlaceholderPage } from './pages/PlaceholderPage';
import { StatusPage } from './pages/StatusPage';
import { HOME_PATH, sections } from './sections';

/** The routes of the admin. Needs a router and a QueryClientProvider around it. */
export function App() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<Navigate to={HOME_PATH} replace />} />
        {sections
          .filter((section) => !section.available)
          .map((section) => (
            <Route key={section.path} path={section.path} element={<PlaceholderPage section={section} />} />
          ))}
        <Route path="/status" element={<StatusPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
