import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { PageHeader } from './PageHeader';

interface NoWorkspaceProps {
  /** The page's title, which also names what belongs to a workspace: "Automations". */
  title: string;
  description?: ReactNode;
  /** Whether the title is a mass noun ("Knowledge belongs…") rather than a plural ("Automations belong…"). */
  singular?: boolean;
}

/** The page of a section that needs a workspace, for a user who has none. */
export function NoWorkspace({ title, description, singular = false }: NoWorkspaceProps) {
  return (
    <>
      <PageHeader title={title} description={description} />
      <section className="panel panel--empty" aria-label="No workspace">
        <p className="panel__text">
          {title} {singular ? 'belongs' : 'belong'} to a workspace, and you have none yet.{' '}
          <Link to="/workspaces">Go to Workspaces</Link>.
        </p>
      </section>
    </>
  );
}
