import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent, type KeyboardEvent } from 'react';
import { Link } from 'react-router';
import {
  MAX_MESSAGES,
  MAX_MESSAGE_LENGTH,
  STATE_LABELS,
  answersCustomer,
  resetPlaygroundConversation,
  returnToBot,
  sendPlaygroundMessage,
  type PlaygroundConversation,
  type PlaygroundMessage,
  type PlaygroundResult,
} from '../../api/playground';
import { invalidateRunLists } from '../../api/runs';
import { Badge } from '../../components/Badge';
import { FormError, ReadOnlyNote, errorText, formErrors } from '../../components/Form';
import { NoWorkspace } from '../../components/NoWorkspace';
import { PageHeader } from '../../components/PageHeader';
import { canEdit } from '../../roles';
import { useCurrentWorkspace } from '../../workspace';
import { DecisionBadge, DecisionDetails } from '../conversations/DecisionView';
import { TraceDisclosure, milliseconds } from '../conversations/TraceView';
import { ConversationSetup, INITIAL_SETUP, instructionLines, toOrder, type Setup } from './ConversationSetup';
import { loadSetup, loadThread, saveSetup, saveThread, type Turn } from './saved';
import '../automations/automations.css';
import '../conversations/conversations.css';
import './playground.css';

const DESCRIPTION =
  'Chat with Deskmate as a customer would, without Gorgias: see each answer or hand-over, the sources it used ' +
  'and the trace of how it decided.';

/** Fields of the conversation setup that the server may name in a 422. */
const SETUP_FIELDS = [
  'channel',
  'subject',
  'customer.name',
  'customer.email',
  'customer.note',
  'customer.orders',
  'business_hours',
  'instructions',
] as const;

/** The conversation as the server reads it: the messages written, and Deskmate's replies and questions. */
export function conversationMessages(turns: readonly Turn[]): PlaygroundMessage[] {
  const messages: PlaygroundMessage[] = [];
  for (const turn of turns) {
    if (turn.type === 'message') {
      messages.push({ role: turn.role, text: turn.text });
    } else if (turn.type === 'answer' && answersCustomer(turn.result.decision)) {
      messages.push({ role: 'bot', text: turn.result.decision.reply });
    }
  }
  return messages;
}

/** A new id for a playground conversation. */
function newConversationId(): string {
  const random =
    typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function'
      ? crypto.randomUUID().slice(0, 8)
      : Math.random().toString(36).slice(2, 10);
  return `pg-${Date.now().toString(36)}-${random}`;
}

function conversationOf(id: string, setup: Setup, messages: PlaygroundMessage[]): PlaygroundConversation {
  return {
    conversation_id: id,
    channel: setup.channel,
    subject: setup.channel === 'email' || setup.channel === 'contact_form' ? setup.subject.trim() : '',
    customer: {
      name: setup.name.trim(),
      email: setup.email.trim(),
      note: setup.note.trim(),
      orders: setup.orders.map(toOrder),
    },
    business_hours: setup.hours,
    messages,
    instructions: instructionLines(setup.instructions),
  };
}

function Answer({ result }: { result: PlaygroundResult }) {
  const { decision, run, trace } = result;
  return (
    <li className={`cv-answer cv-answer--${decision.kind}`} aria-label="Deskmate’s answer">
      <div className="cv-answer__head">
        <strong>Deskmate</strong>
        <DecisionBadge kind={decision.kind} reason={decision.reason} />
        <span className="muted pg-run">
          <Link to={`/conversations/${encodeURIComponent(run.id)}`}>Run #{run.id}</Link> · {milliseconds(run.duration_ms)}
        </span>
      </div>
      {decision.reply ? (
        <>
          {decision.kind === 'handover' ? <p className="pg-answer__note">Last message to the customer:</p> : null}
          <p className="cv-reply">{decision.reply}</p>
        </>
      ) : null}
      <DecisionDetails decision={decision} />
      {trace ? <TraceDisclosure trace={trace} /> : null}
    </li>
  );
}

function Message({ role, text, pending = false }: { role: 'customer' | 'agent'; text: string; pending?: boolean }) {
  return (
    <li className={`cv-message cv-message--${role}`}>
      <span className="cv-message__role">{role === 'customer' ? 'Customer' : 'Team member'}</span>
      <p className="cv-reply">{text}</p>
      {pending ? (
        <span className="pg-pending" role="status">
          Deskmate is thinking…
        </span>
      ) : null}
    </li>
  );
}

function Thread({ turns, pending }: { turns: readonly Turn[]; pending: string | null }) {
  if (turns.length === 0 && pending === null) {
    return (
      <p className="pg-empty muted">
        Write a message as the customer to start. Deskmate answers from the knowledge, the automations and the orders
        on the right, or hands the conversation to a person.
      </p>
    );
  }
  return (
    <ol className="cv-messages pg-thread" aria-label="Messages">
      {turns.map((turn, index) =>
        turn.type === 'message' ? (
          <Message key={index} role={turn.role} text={turn.text} />
        ) : turn.type === 'answer' ? (
          <Answer key={index} result={turn.result} />
        ) : (
          <li key={index} className="pg-event" role="note">
            {turn.text}
          </li>
        ),
      )}
      {pending !== null ? <Message role="customer" text={pending} pending /> : null}
    </ol>
  );
}

type Author = 'customer' | 'agent';

interface ComposerProps {
  author: Author;
  onAuthor: (author: Author) => void;
  draft: string;
  onDraft: (text: string) => void;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
  onKeyDown: (event: KeyboardEvent<HTMLTextAreaElement>) => void;
  sending: boolean;
  disabled: boolean;
}

/** The message box: who writes, the text, and Send. */
function Composer({ author, onAuthor, draft, onDraft, onSubmit, onKeyDown, sending, disabled }: ComposerProps) {
  return (
    <form className="pg-composer" onSubmit={onSubmit} aria-label="New message">
      <div className="pg-composer__row">
        <label className="visually-hidden" htmlFor="pg-author">
          From
        </label>
        <select
          id="pg-author"
          className="select pg-composer__author"
          value={author}
          onChange={(event) => onAuthor(event.target.value === 'agent' ? 'agent' : 'customer')}
        >
          <option value="customer">Customer</option>
          <option value="agent">Team member</option>
        </select>
        <label className="visually-hidden" htmlFor="pg-message">
          Message
        </label>
        <textarea
          id="pg-message"
          className="input pg-composer__text"
          rows={2}
          maxLength={MAX_MESSAGE_LENGTH}
          placeholder={author === 'customer' ? 'Write as the customer… (Enter sends)' : 'Write as a team member…'}
          value={draft}
          onChange={(event) => onDraft(event.target.value)}
          onKeyDown={onKeyDown}
        />
        <button type="submit" className="button button--primary" disabled={disabled || draft.trim() === ''}>
          {sending ? 'Sending…' : author === 'customer' ? 'Send' : 'Add message'}
        </button>
      </div>
      {author === 'agent' ? (
        <p className="field__hint">
          Deskmate answers customer messages only: a team member&apos;s message is part of the conversation it reads
          next time.
        </p>
      ) : null}
    </form>
  );
}

function Playground({ workspaceId, editable }: { workspaceId: string; editable: boolean }) {
  const queryClient = useQueryClient();
  const [saved] = useState(() => loadThread(workspaceId));
  const [conversationId, setConversationId] = useState(() => saved?.conversationId ?? newConversationId());
  const [setup, setSetup] = useState<Setup>(() => loadSetup(workspaceId) ?? INITIAL_SETUP);
  const [turns, setTurns] = useState<Turn[]>(saved?.turns ?? []);
  const [state, setState] = useState(saved?.state ?? 'bot');

  useEffect(() => {
    saveThread(workspaceId, { conversationId, turns, state });
  }, [workspaceId, conversationId, turns, state]);
  useEffect(() => {
    saveSetup(workspaceId, setup);
  }, [workspaceId, setup]);
  const [draft, setDraft] = useState('');
  const [author, setAuthor] = useState<Author>('customer');

  const send = useMutation({
    mutationFn: (next: { turns: Turn[]; text: string }) =>
      sendPlaygroundMessage(workspaceId, conversationOf(conversationId, setup, conversationMessages(next.turns))),
    onSuccess: (result, next) => {
      setTurns([...next.turns, { type: 'answer', result }]);
      setState(result.state);
      void invalidateRunLists(queryClient, workspaceId);
    },
    onError: (_error, next) => {
      setDraft((current) => (current === '' ? next.text : current));
    },
  });
  const reset = useMutation({
    mutationFn: () => resetPlaygroundConversation(workspaceId, conversationId),
    onSuccess: () => startOver(),
  });
  const giveBack = useMutation({
    mutationFn: () => returnToBot(workspaceId, conversationId),
    onSuccess: () => {
      setState('bot');
      setTurns((current) => [
        ...current,
        { type: 'event', text: 'Returned to Deskmate: it answers the next message again.' },
      ]);
    },
  });

  function startOver() {
    setTurns([]);
    setState('bot');
    setConversationId(newConversationId());
    send.reset();
    giveBack.reset();
  }

  const errors = formErrors(send.error, SETUP_FIELDS);
  const messageCount = conversationMessages(turns).length;
  const full = messageCount >= MAX_MESSAGES;
  const handedOver = state === 'handed_over';
  const ran = turns.some((turn) => turn.type === 'answer');
  const busy = send.isPending || reset.isPending || giveBack.isPending;

  const submit = () => {
    const text = draft.trim();
    if (text === '' || text.length > MAX_MESSAGE_LENGTH || full || busy) {
      return;
    }
    const next: Turn[] = [...turns, { type: 'message', role: author, text }];
    setDraft('');
    if (author === 'agent') {
      // A team member's message is context for the next customer message: nothing to answer.
      setTurns(next);
      return;
    }
    send.mutate({ turns: next, text });
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    submit();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  };

  const actions = (
    <div className="pg-actions">
      <span className="pg-state" role="status" aria-label="Conversation state">
        {handedOver ? <Badge tone="warning">{STATE_LABELS.handed_over}</Badge> : <Badge tone="ok">{STATE_LABELS.bot}</Badge>}
      </span>
      {handedOver && editable ? (
        <button type="button" className="button" disabled={busy} onClick={() => giveBack.mutate()}>
          {giveBack.isPending ? 'Returning…' : 'Return to bot'}
        </button>
      ) : null}
      {editable ? (
        <button
          type="button"
          className="button"
          disabled={busy || turns.length === 0}
          onClick={() => (ran ? reset.mutate() : startOver())}
        >
          {reset.isPending ? 'Starting over…' : 'Start over'}
        </button>
      ) : null}
    </div>
  );

  const failure = reset.error ?? giveBack.error;

  return (
    <>
      <PageHeader title="Playground" description={DESCRIPTION} actions={actions} />
      <div className="pg-layout">
        <section className="panel pg-chat" aria-label="Conversation">
          {failure ? (
            <div className="notice notice--danger" role="alert">
              {errorText(failure)}
            </div>
          ) : null}
          {handedOver ? (
            <p className="notice notice--warning" role="note">
              A person has this conversation: Deskmate leaves new messages alone until it is returned.
            </p>
          ) : null}
          <Thread turns={turns} pending={send.isPending ? send.variables.text : null} />
          <FormError message={errors.message} />
          {full ? (
            <p className="notice notice--warning" role="note">
              This conversation has {MAX_MESSAGES} messages, as many as Deskmate reads. Start over to go on.
            </p>
          ) : null}
          {editable ? (
            <Composer
              author={author}
              onAuthor={setAuthor}
              draft={draft}
              onDraft={setDraft}
              onSubmit={onSubmit}
              onKeyDown={onKeyDown}
              sending={send.isPending}
              disabled={busy || full}
            />
          ) : (
            <ReadOnlyNote>
              Only editors can chat with Deskmate here: each message is recorded as a run and may use the chat model.
            </ReadOnlyNote>
          )}
        </section>
        <aside className="panel pg-side" aria-label="Customer and context">
          <h2 className="panel__title">Customer and context</h2>
          <p className="panel__text">Sent with every message; change them at any time.</p>
          <ConversationSetup setup={setup} onChange={setSetup} errors={errors.fields} />
        </aside>
      </div>
    </>
  );
}

/** The playground of the current workspace: a chat with Deskmate that leaves runs, but needs no Gorgias. */
export function PlaygroundPage() {
  const { current, role } = useCurrentWorkspace();
  if (current === null) {
    return <NoWorkspace title="Playground" description={DESCRIPTION} singular />;
  }
  return <Playground key={current.id} workspaceId={current.id} editable={canEdit(role)} />;
}
