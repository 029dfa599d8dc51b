import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import {
  SANDBOX_REFRESH_MS,
  fetchWidget,
  invalidateSandboxTickets,
  pressWidgetButton,
  sandboxKeys,
  type ClickResult,
  type WidgetButton,
  type WidgetData,
} from '../../api/sandbox';
import { Badge } from '../../components/Badge';
import { Field, errorText } from '../../components/Form';
import { QueryState } from '../../components/QueryState';

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="sb-widget__row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Data({ data }: { data: WidgetData | null }) {
  if (data === null) {
    return <p className="muted">Deskmate has nothing on this ticket yet.</p>;
  }
  return (
    <dl className="sb-widget__data" data-testid="widget-data">
      <Row label="Status">{data.status || '—'}</Row>
      <Row label="Last decision">{data.last_decision || '—'}</Row>
      {data.reason ? <Row label="Reason">{data.reason}</Row> : null}
      {data.summary ? (
        <Row label="Summary">
          <span className="sb-widget__summary">{data.summary}</span>
        </Row>
      ) : null}
      {data.trace_url ? (
        <Row label="Trace">
          <a href={data.trace_url} data-testid="widget-trace">
            Open trace
          </a>
        </Row>
      ) : null}
    </dl>
  );
}

/** The values a button asks for, filled with each select's first option. */
function initialValues(button: WidgetButton): Record<string, string> {
  const values: Record<string, string> = {};
  for (const param of button.params) {
    values[param.name] = param.type === 'select' ? (param.options[0] ?? '') : '';
  }
  return values;
}

/** The small form of a button that asks for something first, such as a language. */
function ParamsForm({
  button,
  busy,
  onPress,
  onCancel,
}: {
  button: WidgetButton;
  busy: boolean;
  onPress: (values: Record<string, string>) => void;
  onCancel: () => void;
}) {
  const [values, setValues] = useState(() => initialValues(button));
  const missing = button.params.some((param) => param.required && (values[param.name] ?? '').trim() === '');
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!missing) {
      onPress(values);
    }
  };
  return (
    <form className="sb-widget__form" aria-label={button.label} onSubmit={onSubmit}>
      {button.params.map((param) => (
        <Field key={param.name} label={param.label}>
          {(control) =>
            param.type === 'select' ? (
              <select
                {...control}
                className="select"
                required={param.required}
                value={values[param.name] ?? ''}
                onChange={(event) => setValues({ ...values, [param.name]: event.target.value })}
              >
                {param.options.map((option) => (
                  <option key={option} value={option}>
                    {option}
                  </option>
                ))}
              </select>
            ) : (
              <textarea
                {...control}
                className="input textarea"
                rows={2}
                required={param.required}
                value={values[param.name] ?? ''}
                onChange={(event) => setValues({ ...values, [param.name]: event.target.value })}
              />
            )
          }
        </Field>
      ))}
      <div className="sb-row">
        <button type="submit" className="button button--primary button--small" disabled={busy || missing}>
          {button.label}
        </button>
        <button type="button" className="button button--small" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function Result({ label, result }: { label: string; result: ClickResult }) {
  return (
    <div
      className={`sb-widget__result sb-widget__result--${result.status === 'success' ? 'ok' : 'error'}`}
      role="status"
      data-testid="widget-result"
      data-status={result.status}
    >
      <Badge tone={result.status === 'success' ? 'ok' : 'error'}>
        {label}: {result.status} {result.status_code > 0 ? `(${result.status_code})` : ''}
      </Badge>
      {result.message ? <p>{result.message}</p> : null}
      {result.status === 'success' ? <p className="muted">Deskmate’s note arrives in the messages shortly.</p> : null}
    </div>
  );
}

/** Deskmate's card in the sidebar, as Gorgias shows it beside a ticket, with its buttons. */
export function WidgetPanel({
  workspaceId,
  ticketId,
  editable,
}: {
  workspaceId: string;
  ticketId: number;
  editable: boolean;
}) {
  const queryClient = useQueryClient();
  const widget = useQuery({
    queryKey: sandboxKeys.widget(workspaceId, ticketId),
    queryFn: ({ signal }) => fetchWidget(workspaceId, ticketId, signal),
    refetchInterval: SANDBOX_REFRESH_MS,
  });
  const [asking, setAsking] = useState<string | null>(null);
  const press = useMutation({
    mutationFn: (click: { label: string; params: Record<string, string> }) =>
      pressWidgetButton(workspaceId, ticketId, click),
    onSuccess: () => {
      setAsking(null);
      void invalidateSandboxTickets(queryClient, workspaceId);
    },
  });

  return (
    <aside className="panel sb-widget" aria-labelledby="sb-widget-title" data-testid="widget">
      <h2 className="sb-widget__title" id="sb-widget-title">
        Deskmate
      </h2>
      <QueryState data={widget.data} error={widget.error} what="the widget">
        {(data) => (
          <>
            <Data data={data.data} />
            {editable && data.buttons.length > 0 ? (
              <div className="sb-widget__buttons">
                {data.buttons.map((button) =>
                  asking === button.label ? (
                    <ParamsForm
                      key={button.label}
                      button={button}
                      busy={press.isPending}
                      onPress={(params) => press.mutate({ label: button.label, params })}
                      onCancel={() => setAsking(null)}
                    />
                  ) : (
                    <button
                      key={button.label}
                      type="button"
                      className="button button--small"
                      data-testid="widget-button"
                      disabled={press.isPending}
                      onClick={() => {
                        press.reset();
                        if (button.params.length > 0) {
                          setAsking(button.label);
                        } else {
                          press.mutate({ label: button.label, params: {} });
                        }
                      }}
                    >
                      {button.label}
                    </button>
                  ),
                )}
              </div>
            ) : null}
          </>
        )}
      </QueryState>
      {press.data && press.variables ? <Result label={press.variables.label} result={press.data} /> : null}
      {press.error ? (
        <div className="notice notice--danger sb-notice" role="alert">
          {errorText(press.error)}
        </div>
      ) : null}
    </aside>
  );
}
