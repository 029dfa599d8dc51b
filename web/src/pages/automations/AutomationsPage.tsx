import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ChangeEvent } from 'react';
import { Link } from 'react-router';
import {
  POST_ACTION_LABELS,
  automationKeys,
  exportUrl,
  fetchAutomations,
  importAutomations,
  invalidateAutomations,
  type Automation,
  type ImportResult,
} from '../../api/automations';
import { Badge } from '../../components/Badge';
import { errorText } from '../../components/Form';
import { NoWorkspace } from '../../components/NoWorkspace';
import { PageHeader } from '../../components/PageHeader';
import { QueryState } from '../../components/QueryState';
import { canEdit } from '../../roles';
import { useCurrentWorkspace } from '../../workspace';
import { TestBox } from './TestBox';
import { TrainingPanel } from './TrainingPanel';
import './automations.css';

function AutomationsTable({ automations }: { automations: Automation[] }) {
  if (automations.length === 0) {
    return (
      <section className="panel panel--empty" aria-label="No automations">
        <p className="panel__text">
          No automations yet. An automation answers one kind of request, such as “where is my order?”, with a prepared
          response.
        </p>
      </section>
    );
  }
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">Automations</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Phrases</th>
            <th scope="col">Status</th>
            <th scope="col">Tags</th>
            <th scope="col">After answering</th>
          </tr>
        </thead>
        <tbody>
          {automations.map((automation) => (
            <tr key={automation.id}>
              <th scope="row" className="table__primary">
                <Link to={`/automations/${encodeURIComponent(automation.id)}`}>{automation.name}</Link>
              </th>
              <td>{automation.phrases.length}</td>
              <td>{automation.active ? <Badge tone="ok">Active</Badge> : <Badge tone="neutral">Inactive</Badge>}</td>
              <td>
                {automation.tags.length > 0 ? (
                  <ul className="chips" aria-label={`Tags of ${automation.name}`}>
                    {automation.tags.map((tag) => (
                      <li key={tag} className="chip">
                        {tag}
                      </li>
                    ))}
                  </ul>
                ) : (
                  <span className="muted">None</span>
                )}
              </td>
              <td>{POST_ACTION_LABELS[automation.post_action]}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The Import button: a file input for a JSON export or a CSV file. */
function ImportButton({ busy, onFile }: { busy: boolean; onFile: (file: File) => void }) {
  const onChange = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (file) {
      onFile(file);
    }
  };
  return (
    <label className="button am-file">
      {busy ? 'Importing…' : 'Import'}
      <input
        className="visually-hidden"
        type="file"
        accept=".json,.csv,application/json,text/csv"
        aria-label="Import automations from a JSON or CSV file"
        disabled={busy}
        onChange={onChange}
      />
    </label>
  );
}

/** Automations of the current workspace, the model trained on them and a box to test it. */
export function AutomationsPage() {
  const { current, role } = useCurrentWorkspace();
  const workspaceId = current?.id ?? '';
  const editable = canEdit(role);
  const queryClient = useQueryClient();
  const [imported, setImported] = useState<ImportResult | null>(null);
  const importing = useMutation({
    mutationFn: async (file: File) => importAutomations(workspaceId, file.name, await file.text()),
    onMutate: () => setImported(null),
    onSuccess: (result) => {
      setImported(result);
      void invalidateAutomations(queryClient, workspaceId);
    },
  });
  const list = useQuery({
    queryKey: automationKeys.list(workspaceId),
    queryFn: ({ signal }) => fetchAutomations(workspaceId, signal),
    enabled: workspaceId !== '',
  });

  if (current === null) {
    return <NoWorkspace title="Automations" />;
  }

  const actions = (
    <div className="am-actions">
      <a className="button am-button-link" href={exportUrl(workspaceId, 'json')} download="automations.json">
        Export JSON
      </a>
      <a className="button am-button-link" href={exportUrl(workspaceId, 'csv')} download="automations.csv">
        Export CSV
      </a>
      {editable ? (
        <>
          <ImportButton busy={importing.isPending} onFile={(file) => importing.mutate(file)} />
          <Link className="button button--primary am-button-link" to="/automations/new">
            New automation
          </Link>
        </>
      ) : null}
    </div>
  );

  return (
    <div key={workspaceId}>
      <PageHeader
        title="Automations"
        description="Each automation answers one kind of customer request. The AI model learns to recognise them from their learning phrases."
        actions={actions}
      />
      <div className="am-layout">
        {importing.error ? (
          <div className="notice notice--danger am-pre" role="alert">
            Import failed. {errorText(importing.error)}
          </div>
        ) : null}
        {imported ? (
          <div className="notice notice--success" role="status">
            Imported: {imported.created} created, {imported.updated} updated.
          </div>
        ) : null}
        <QueryState data={list.data} error={list.error} what="the automations">
          {(automations) => <AutomationsTable automations={automations} />}
        </QueryState>
        <TrainingPanel workspaceId={workspaceId} canEdit={editable} />
        <TestBox workspaceId={workspaceId} />
      </div>
    </div>
  );
}
