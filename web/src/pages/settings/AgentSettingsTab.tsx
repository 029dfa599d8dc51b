import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import {
  MAX_ASK_EMAIL,
  MAX_BOT_REPLIES,
  MAX_HANDOVER_MESSAGE,
  MAX_HOLIDAYS,
  MAX_PRICE_PER_MILLION,
  MAX_SENSITIVE_TOPICS,
  MAX_TOPIC_EXAMPLES,
  MAX_TOPIC_NAME,
  MIN_BOT_REPLIES,
  NEXT_OPEN_PLACEHOLDER,
  PII_MASKING,
  WEEKDAYS,
  agentKeys,
  fetchAgentSettings,
  saveAgentSettings,
  storeAgentSettings,
  type AgentSettings,
  type PiiMasking,
} from '../../api/agent';
import { Field, FormError, ReadOnlyNote, SavedNote, formErrors } from '../../components/Form';
import { QueryState } from '../../components/QueryState';
import { canAdminister } from '../../roles';
import { useCurrentWorkspace } from '../../workspace';
import '../automations/automations.css';
import './agent.css';

// --- The form's state -----------------------------------------------------------------------

interface TopicDraft {
  key: number;
  name: string;
  /** One example per line. */
  examples: string;
}

interface SpanDraft {
  key: number;
  from: string;
  to: string;
}

/** Agent settings as edited: numbers as typed, examples one per line, opening hours as from/to pairs. */
export interface AgentSettingsDraft {
  topics: TopicDraft[];
  maxReplies: string;
  timeZone: string;
  week: SpanDraft[][];
  holidays: string[];
  handoverOpen: string;
  handoverClosed: string;
  askEmail: string;
  pii: PiiMasking;
  inputPrice: string;
  outputPrice: string;
}

let nextKey = 1;

function newSpan(from = '09:00', to = '17:00'): SpanDraft {
  return { key: nextKey++, from, to };
}

export function toDraft(settings: AgentSettings): AgentSettingsDraft {
  return {
    topics: settings.sensitive.map((topic) => ({ key: nextKey++, name: topic.name, examples: topic.examples.join('\n') })),
    maxReplies: String(settings.max_bot_replies),
    timeZone: settings.hours.time_zone,
    week: WEEKDAYS.map((_, day) =>
      (settings.hours.week[day] ?? []).map((span) => {
        const [from = '', to = ''] = span.split('-');
        return newSpan(from, to);
      }),
    ),
    holidays: [...settings.hours.holidays].sort(),
    handoverOpen: settings.handover_open,
    handoverClosed: settings.handover_closed,
    askEmail: settings.ask_email,
    pii: settings.pii_masking,
    inputPrice: String(settings.input_price_per_million),
    outputPrice: String(settings.output_price_per_million),
  };
}

/** A price as typed: empty is 0; what is not a number is sent as -1, for the server to name. */
function price(text: string): number {
  const trimmed = text.trim();
  if (trimmed === '') {
    return 0;
  }
  const value = Number(trimmed.replace(',', '.'));
  return Number.isFinite(value) ? value : -1;
}

/** The settings to save. Empty example lines and empty opening spans are left out. */
export function fromDraft(draft: AgentSettingsDraft): AgentSettings {
  const replies = draft.maxReplies.trim();
  return {
    sensitive: draft.topics.map((topic) => ({
      name: topic.name.trim(),
      examples: topic.examples
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== ''),
    })),
    max_bot_replies: /^\d+$/.test(replies) ? Number(replies) : 0,
    hours: {
      time_zone: draft.timeZone.trim(),
      week: draft.week.map((spans) =>
        spans
          .filter((span) => span.from.trim() !== '' || span.to.trim() !== '')
          .map((span) => `${span.from.trim()}-${span.to.trim()}`),
      ),
      holidays: draft.holidays,
    },
    handover_open: draft.handoverOpen,
    handover_closed: draft.handoverClosed,
    ask_email: draft.askEmail,
    pii_masking: draft.pii,
    input_price_per_million: price(draft.inputPrice),
    output_price_per_million: price(draft.outputPrice),
  };
}

// --- Checks in the browser (the server has the last word) -----------------------------------

const SPAN_TIME = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

/** What is wrong with an opening span, or null. */
export function spanProblem(from: string, to: string): string | null {
  const a = from.trim();
  const b = to.trim();
  if (a === '' && b === '') {
    return null;
  }
  if (!SPAN_TIME.test(a) || a === '24:00' || !SPAN_TIME.test(b)) {
    return 'Write times as HH:MM, such as 09:00 and 17:30.';
  }
  if (a >= b) {
    return 'Opening must come before closing.';
  }
  return null;
}

/** Whether this browser knows the time zone; true when it cannot tell. */
export function knownTimeZone(name: string): boolean {
  if (name.trim() === '') {
    return true;
  }
  try {
    new Intl.DateTimeFormat('en', { timeZone: name.trim() });
    return true;
  } catch {
    return false;
  }
}

function priceProblem(text: string): string | null {
  const value = price(text);
  return value < 0 || value > MAX_PRICE_PER_MILLION ? `A price from 0 to ${MAX_PRICE_PER_MILLION}.` : null;
}

function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  try {
    return intl.supportedValuesOf ? intl.supportedValuesOf('timeZone') : [];
  } catch {
    return [];
  }
}

function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return '';
  }
}

/** A hint with, after it, what the browser found wrong. */
function hintWith(text: ReactNode, warning: string | null): ReactNode {
  return (
    <>
      {text}
      {warning ? <span className="ag-warning"> {warning}</span> : null}
    </>
  );
}

/** The names the server gives to fields, as the form groups them (see agent.Settings.Check). */
function knownFields(draft: AgentSettingsDraft): string[] {
  return [
    ...draft.topics.flatMap((_, index) => [`sensitive[${index}].name`, `sensitive[${index}].examples`]),
    'sensitive',
    'max_bot_replies',
    'hours.time_zone',
    ...WEEKDAYS.map((_, day) => `hours.week[${day}]`),
    'hours.holidays',
    'handover_open',
    'handover_closed',
    'ask_email',
    'pii_masking',
    'input_price_per_million',
    'output_price_per_million',
  ];
}

const PII_LABELS: Record<PiiMasking, string> = {
  auto: 'Automatic: hidden from hosted models, not from models on this machine or network',
  on: 'Always hide personal data from the model',
  off: 'Never hide personal data',
};

// --- Parts of the form ----------------------------------------------------------------------

function Topics({
  topics,
  onChange,
  errors,
  disabled,
}: {
  topics: TopicDraft[];
  onChange: (topics: TopicDraft[]) => void;
  errors: Record<string, string>;
  disabled: boolean;
}) {
  const update = (index: number, changes: Partial<TopicDraft>) =>
    onChange(topics.map((topic, i) => (i === index ? { ...topic, ...changes } : topic)));
  return (
    <section className="panel form-panel" aria-labelledby="agent-topics-title">
      <h2 className="panel__title" id="agent-topics-title">
        Sensitive topics
      </h2>
      <p className="panel__text">
        Deskmate hands these to a person at once. It recognises a topic from its name (legal, chargeback, medical,
        safety and data privacy have built-in keywords) and from examples of what customers write.
      </p>
      <div className="ag-topics">
        {topics.map((topic, index) => {
          const lines = topic.examples.split('\n').filter((line) => line.trim() !== '').length;
          return (
            <fieldset key={topic.key} className="ag-topic" disabled={disabled}>
              <legend className="ag-topic__legend">Topic {index + 1}</legend>
              <Field label="Name" error={errors[`sensitive[${index}].name`]}>
                {(control) => (
                  <input
                    {...control}
                    className="input"
                    type="text"
                    maxLength={MAX_TOPIC_NAME}
                    value={topic.name}
                    onChange={(event) => update(index, { name: event.target.value })}
                  />
                )}
              </Field>
              <Field
                label="Examples"
                hint={hintWith(
                  'One per line: what a customer might write about it.',
                  lines > MAX_TOPIC_EXAMPLES ? `${lines} examples: at most ${MAX_TOPIC_EXAMPLES}.` : null,
                )}
                error={errors[`sensitive[${index}].examples`]}
              >
                {(control) => (
                  <textarea
                    {...control}
                    className="input textarea"
                    rows={Math.min(Math.max(lines, 3), 8)}
                    value={topic.examples}
                    onChange={(event) => update(index, { examples: event.target.value })}
                  />
                )}
              </Field>
              {disabled ? null : (
                <div>
                  <button
                    type="button"
                    className="button button--small button--danger-quiet"
                    onClick={() => onChange(topics.filter((_, i) => i !== index))}
                  >
                    Remove topic {topic.name.trim() || index + 1}
                  </button>
                </div>
              )}
            </fieldset>
          );
        })}
      </div>
      {errors.sensitive ? <p className="field__error">{errors.sensitive}</p> : null}
      {disabled || topics.length >= MAX_SENSITIVE_TOPICS ? null : (
        <div className="ag-add">
          <button
            type="button"
            className="button button--small"
            onClick={() => onChange([...topics, { key: nextKey++, name: '', examples: '' }])}
          >
            Add topic
          </button>
        </div>
      )}
    </section>
  );
}

/** One end of an opening span, typed as HH:MM. */
function SpanTime({
  label,
  placeholder,
  invalid,
  disabled,
  value,
  onChange,
}: {
  label: string;
  placeholder: string;
  invalid: boolean;
  disabled: boolean;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <input
      className="input ag-span__time"
      type="text"
      inputMode="numeric"
      maxLength={5}
      placeholder={placeholder}
      aria-label={label}
      aria-invalid={invalid ? true : undefined}
      disabled={disabled}
      value={value}
      onChange={(event) => onChange(event.target.value)}
    />
  );
}

function Week({
  week,
  onChange,
  errors,
  disabled,
}: {
  week: SpanDraft[][];
  onChange: (week: SpanDraft[][]) => void;
  errors: Record<string, string>;
  disabled: boolean;
}) {
  const setDay = (day: number, spans: SpanDraft[]) => onChange(week.map((current, i) => (i === day ? spans : current)));
  const monday = week[0] ?? [];
  return (
    <div className="ag-week" role="group" aria-label="Opening hours">
      {WEEKDAYS.map((name, day) => {
        const spans = week[day] ?? [];
        const error = errors[`hours.week[${day}]`];
        return (
          <div key={name} className="ag-day" role="group" aria-label={name}>
            <span className="ag-day__name">{name}</span>
            <div className="ag-day__spans">
              {spans.length === 0 ? <span className="muted ag-day__closed">Closed</span> : null}
              {spans.map((span, index) => {
                const problem = spanProblem(span.from, span.to);
                const invalid = Boolean(problem || error);
                const label = `${name}, hours ${index + 1}`;
                const update = (changes: Partial<SpanDraft>) =>
                  setDay(
                    day,
                    spans.map((item, i) => (i === index ? { ...item, ...changes } : item)),
                  );
                return (
                  <span key={span.key} className="ag-span">
                    <SpanTime
                      label={`${label}, from`}
                      placeholder="09:00"
                      invalid={invalid}
                      disabled={disabled}
                      value={span.from}
                      onChange={(from) => update({ from })}
                    />
                    <span aria-hidden="true">–</span>
                    <SpanTime
                      label={`${label}, to`}
                      placeholder="17:00"
                      invalid={invalid}
                      disabled={disabled}
                      value={span.to}
                      onChange={(to) => update({ to })}
                    />
                    {disabled ? null : (
                      <button
                        type="button"
                        className="tag-input__remove"
                        aria-label={`Remove ${label}`}
                        onClick={() => setDay(day, spans.filter((_, i) => i !== index))}
                      >
                        ×
                      </button>
                    )}
                    {problem ? <span className="ag-warning">{problem}</span> : null}
                  </span>
                );
              })}
              {disabled ? null : (
                <button
                  type="button"
                  className="button button--small"
                  aria-label={`Add hours on ${name}`}
                  onClick={() => {
                    const last = spans[spans.length - 1];
                    setDay(day, [...spans, last ? newSpan(last.to, '') : newSpan()]);
                  }}
                >
                  Add hours
                </button>
              )}
            </div>
            {error ? <p className="field__error ag-day__error">{error}</p> : null}
          </div>
        );
      })}
      {disabled || monday.length === 0 ? null : (
        <div>
          <button
            type="button"
            className="link-button"
            onClick={() =>
              onChange(
                week.map((spans, day) =>
                  day >= 1 && day <= 4 ? monday.map((span) => newSpan(span.from, span.to)) : spans,
                ),
              )
            }
          >
            Copy Monday’s hours to Tuesday–Friday
          </button>
        </div>
      )}
    </div>
  );
}

function Holidays({
  holidays,
  onChange,
  error,
  disabled,
}: {
  holidays: string[];
  onChange: (holidays: string[]) => void;
  error: string | undefined;
  disabled: boolean;
}) {
  const [day, setDay] = useState('');
  const add = () => {
    if (/^\d{4}-\d{2}-\d{2}$/.test(day) && !holidays.includes(day) && holidays.length < MAX_HOLIDAYS) {
      onChange([...holidays, day].sort());
    }
    setDay('');
  };
  return (
    <Field label="Holidays" hint="Closed all day, whatever the week says." error={error}>
      {(control) => (
        <div className="ag-holidays">
          {holidays.length > 0 ? (
            <ul className="chips" aria-label="Holiday dates">
              {holidays.map((holiday) => (
                <li key={holiday} className="tag-input__tag">
                  <span>{holiday}</span>
                  {disabled ? null : (
                    <button
                      type="button"
                      className="tag-input__remove"
                      aria-label={`Remove holiday ${holiday}`}
                      onClick={() => onChange(holidays.filter((item) => item !== holiday))}
                    >
                      ×
                    </button>
                  )}
                </li>
              ))}
            </ul>
          ) : (
            <span className="muted">None</span>
          )}
          {disabled ? null : (
            <span className="ag-holidays__add">
              <input
                {...control}
                className="input ag-holidays__date"
                type="date"
                value={day}
                onChange={(event) => setDay(event.target.value)}
              />
              <button type="button" className="button button--small" disabled={day === ''} onClick={add}>
                Add holiday
              </button>
            </span>
          )}
        </div>
      )}
    </Field>
  );
}

interface TextFieldProps {
  label: string;
  hint: ReactNode;
  error: string | undefined;
  value: string;
  onChange: (value: string) => void;
}

/** A message Deskmate sends, of at most maxLength characters. */
function MessageField({ label, hint, error, maxLength, value, onChange }: TextFieldProps & { maxLength: number }) {
  return (
    <Field label={label} hint={hint} error={error}>
      {(control) => (
        <textarea
          {...control}
          className="input textarea"
          rows={2}
          maxLength={maxLength}
          value={value}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
    </Field>
  );
}

/** A price in USD per million tokens, with what the browser finds wrong with it after the hint. */
function PriceField({ label, hint, error, value, onChange }: TextFieldProps) {
  return (
    <Field label={label} hint={hintWith(hint, priceProblem(value))} error={error}>
      {(control) => (
        <input
          {...control}
          className="input ag-number"
          type="number"
          min={0}
          max={MAX_PRICE_PER_MILLION}
          step="any"
          value={value}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
    </Field>
  );
}

// --- The form -------------------------------------------------------------------------------

function AgentSettingsForm({
  workspaceId,
  settings,
  canEdit,
}: {
  workspaceId: string;
  settings: AgentSettings;
  canEdit: boolean;
}) {
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState(() => toDraft(settings));
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (next: AgentSettings) => saveAgentSettings(workspaceId, next),
    onSuccess: (updated) => {
      void storeAgentSettings(queryClient, workspaceId, updated);
      setDraft(toDraft(updated));
      setSaved(true);
    },
  });
  const errors = formErrors(save.error, knownFields(draft));
  const set = <K extends keyof AgentSettingsDraft>(key: K, value: AgentSettingsDraft[K]) => {
    setSaved(false);
    setDraft((current) => ({ ...current, [key]: value }));
  };
  const zones = timeZones();
  const here = browserTimeZone();
  const replies = draft.maxReplies.trim();
  const repliesProblem =
    /^\d+$/.test(replies) && Number(replies) >= MIN_BOT_REPLIES && Number(replies) <= MAX_BOT_REPLIES
      ? null
      : `A whole number from ${MIN_BOT_REPLIES} to ${MAX_BOT_REPLIES}.`;
  const disabled = !canEdit;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaved(false);
    save.mutate(fromDraft(draft));
  };

  return (
    <form className="stack" onSubmit={onSubmit} noValidate aria-label="Agent settings">
      <Topics
        topics={draft.topics}
        onChange={(topics) => set('topics', topics)}
        errors={errors.fields}
        disabled={disabled}
      />

      <section className="panel form-panel" aria-labelledby="agent-hours-title">
        <h2 className="panel__title" id="agent-hours-title">
          Business hours
        </h2>
        <p className="panel__text">
          When the team is at work. Outside these hours the hand-over message says when it is back. No hours on any day
          means always open.
        </p>
        <fieldset className="form__fieldset ag-fieldset" disabled={disabled}>
          <Field
            label="Time zone"
            hint={hintWith(
              <>
                A name such as Europe/Paris; empty is UTC.
                {!disabled && here && here !== draft.timeZone ? (
                  <>
                    {' '}
                    <button type="button" className="link-button" onClick={() => set('timeZone', here)}>
                      Use {here}
                    </button>
                  </>
                ) : null}
              </>,
              knownTimeZone(draft.timeZone) ? null : 'This browser does not know this time zone.',
            )}
            error={errors.fields['hours.time_zone']}
          >
            {(control) => (
              <>
                <input
                  {...control}
                  className="input ag-short"
                  type="text"
                  autoComplete="off"
                  spellCheck={false}
                  list={zones.length > 0 ? 'agent-time-zones' : undefined}
                  value={draft.timeZone}
                  onChange={(event) => set('timeZone', event.target.value)}
                />
                {zones.length > 0 ? (
                  <datalist id="agent-time-zones">
                    {zones.map((zone) => (
                      <option key={zone} value={zone} />
                    ))}
                  </datalist>
                ) : null}
              </>
            )}
          </Field>
        </fieldset>
        <Week week={draft.week} onChange={(week) => set('week', week)} errors={errors.fields} disabled={disabled} />
        <Holidays
          holidays={draft.holidays}
          onChange={(holidays) => set('holidays', holidays)}
          error={errors.fields['hours.holidays']}
          disabled={disabled}
        />
      </section>

      <section className="panel form-panel" aria-labelledby="agent-handover-title">
        <h2 className="panel__title" id="agent-handover-title">
          Replies and hand-over
        </h2>
        <fieldset className="form__fieldset ag-fieldset" disabled={disabled}>
          <Field
            label="Most replies in one conversation"
            hint={hintWith(
              'After as many replies, Deskmate hands over: the customer is evidently not helped.',
              repliesProblem,
            )}
            error={errors.fields.max_bot_replies}
          >
            {(control) => (
              <input
                {...control}
                className="input ag-number"
                type="number"
                min={MIN_BOT_REPLIES}
                max={MAX_BOT_REPLIES}
                step={1}
                value={draft.maxReplies}
                onChange={(event) => set('maxReplies', event.target.value)}
              />
            )}
          </Field>
          <MessageField
            label="Hand-over message during business hours"
            hint="The last message Deskmate sends before a person takes over."
            error={errors.fields.handover_open}
            maxLength={MAX_HANDOVER_MESSAGE}
            value={draft.handoverOpen}
            onChange={(value) => set('handoverOpen', value)}
          />
          <MessageField
            label="Hand-over message outside business hours"
            hint={hintWith(
              <>
                <code>{NEXT_OPEN_PLACEHOLDER}</code> becomes when the team is back, such as “tomorrow at 09:00”.
              </>,
              draft.handoverClosed.includes(NEXT_OPEN_PLACEHOLDER)
                ? null
                : `Without ${NEXT_OPEN_PLACEHOLDER} the customer is not told when the team is back.`,
            )}
            error={errors.fields.handover_closed}
            maxLength={MAX_HANDOVER_MESSAGE}
            value={draft.handoverClosed}
            onChange={(value) => set('handoverClosed', value)}
          />
          <MessageField
            label="Asking for an email address"
            hint="Added to a hand-over on chat when the customer left no email address. Empty asks nothing."
            error={errors.fields.ask_email}
            maxLength={MAX_ASK_EMAIL}
            value={draft.askEmail}
            onChange={(value) => set('askEmail', value)}
          />
        </fieldset>
      </section>

      <section className="panel form-panel" aria-labelledby="agent-model-title">
        <h2 className="panel__title" id="agent-model-title">
          Personal data and costs
        </h2>
        <p className="panel__text">
          Both matter only with a chat model (Settings → Model); the built-in provider sends nothing anywhere.
        </p>
        <fieldset className="form__fieldset ag-fieldset" disabled={disabled}>
          <Field
            label="Hide personal data from the model"
            hint={
              'Emails, phone and card numbers, order numbers and addresses are replaced before the model sees ' +
              'the text, and put back in its reply.'
            }
            error={errors.fields.pii_masking}
          >
            {(control) => (
              <select
                {...control}
                className="select"
                value={draft.pii}
                onChange={(event) => {
                  const next = PII_MASKING.find((candidate) => candidate === event.target.value);
                  if (next) {
                    set('pii', next);
                  }
                }}
              >
                {PII_MASKING.map((mode) => (
                  <option key={mode} value={mode}>
                    {PII_LABELS[mode]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <div className="form__grid">
            <PriceField
              label="Input tokens, USD per million"
              hint="For the cost shown with each run; 0 shows none."
              error={errors.fields.input_price_per_million}
              value={draft.inputPrice}
              onChange={(value) => set('inputPrice', value)}
            />
            <PriceField
              label="Output tokens, USD per million"
              hint="What the provider charges for the model’s answers."
              error={errors.fields.output_price_per_million}
              value={draft.outputPrice}
              onChange={(value) => set('outputPrice', value)}
            />
          </div>
        </fieldset>
      </section>

      <div className="ag-actions">
        <FormError message={errors.message} />
        {canEdit ? (
          <div className="form__actions">
            <button type="submit" className="button button--primary" disabled={save.isPending}>
              {save.isPending ? 'Saving…' : 'Save agent settings'}
            </button>
            <SavedNote show={saved && !save.isPending}>Saved. The next run uses these settings.</SavedNote>
            {save.error && Object.keys(errors.fields).length > 0 ? (
              <span className="field__error" role="alert">
                Some settings need a change: see the messages above.
              </span>
            ) : null}
          </div>
        ) : (
          <ReadOnlyNote />
        )}
      </div>
    </form>
  );
}

/** Settings → Agent: what Deskmate hands over, when the team is at work, and how it talks about it. Admins edit. */
export function AgentSettingsTab() {
  const { current, role } = useCurrentWorkspace();
  const id = current?.id ?? '';
  const query = useQuery({
    queryKey: agentKeys.settings(id),
    queryFn: ({ signal }) => fetchAgentSettings(id, signal),
    enabled: id !== '',
  });
  return (
    <QueryState data={query.data} error={query.error} what="the agent settings">
      {(data) => <AgentSettingsForm workspaceId={id} settings={data} canEdit={canAdminister(role)} />}
    </QueryState>
  );
}
