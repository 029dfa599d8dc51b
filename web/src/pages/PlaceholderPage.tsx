import { Link } from 'react-router';
import { PageHeader } from '../components/PageHeader';
import type { Section } from '../sections';

interface PlaceholderPageProps {
  section: Section;
}

/** Page for a section that this version of Deskmate does not have yet. */
export function PlaceholderPage({ section }: PlaceholderPageProps) {
  return (
    <>
      <PageHeader title={section.label} description={section.description} />
      <section className="panel panel--empty" aria-labelledby="placeholder-title">
        <h2 id="placeholder-title" className="panel__title">
          Not available in this version yet.
        </h2>
        <p className="panel__text">
          This section will appear in a later version of Deskmate. Meanwhile you can check the server on the{' '}
          <Link to="/status">Status</Link> page.
        </p>
      </section>
    </>
  );
}
