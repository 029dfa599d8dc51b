import { Link, useLocation } from 'react-router';
import { PageHeader } from '../components/PageHeader';
import { HOME_PATH } from '../sections';

/** Shown for any path that is not a page of the admin. */
export function NotFoundPage() {
  const { pathname } = useLocation();
  return (
    <>
      <PageHeader title="Page not found" />
      <section className="panel panel--empty" aria-label="Page not found">
        <p className="panel__text">
          There is no page at <code>{pathname}</code>.
        </p>
        <p className="panel__text">
          <Link to={HOME_PATH}>Go to Getting started</Link>
        </p>
      </section>
    </>
  );
}
