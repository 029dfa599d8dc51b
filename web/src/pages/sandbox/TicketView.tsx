import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { channelLabel } from '../../api/agent';
import type { GorgiasUser } from '../../api/gorgias';
import {
  assignTicket,
  changeTicketTags,
  closeTicket,
  invalidateSandboxTickets,
  messageKind,
  replyAsAgent,
  textOfHtml,
  type MessageKind,
  type SandboxMessage,
  type SandboxTicket,
} from '../../api/sandbox';
import { Badge } from '../../components/Badge';
import { errorText } from '../../components/Form';
import { formatDateTime, isoOf } from '../../format';

/** The text of a message: its plain text, or its HTML as text. */
export function messageText(message: SandboxMessage): string {
  return message.body_text !== '' ? message.body_text : textOfHtml(message.body_html);
}

const KIND_LABELS: Record<MessageKind, string> = {
  customer: 'Customer',
  agent: 'Agent',
  bot: 'Deskmate',
  note: 'Internal note',
};

function Message({
  message,
  ticket,
  botUserId,
}: {
  message: SandboxMessage;
  ticket: SandboxTicket;
  botUserId: number | null;
}) {
  const kind = messageKind(message, botUserId);
  const byBot = botUserId !== null && message.sender?.id === botUserId;
  const sender =
    message.sender?.name ||
    message.sender?.email ||
    (kind === 'customer' ? ticket.customer?.name || ticket.customer?.email : '') ||
    KIND_LABELS[kind];
  return (
    <li className={`sb-message sb-message--${kind}`} data-testid="message" data-kind={kind} data-bot={byBot ? 'true' : 'false'}>
      <div className="sb-message__head">
        <strong className="sb-message__sender">{sender}</strong>
        <span className="sb-message__kind">
          {kind === 'note' && byBot
            ? 'Internal note by Deskmate'
            : kind === 'bot'
              ? 'Deskmate, as the bot user'
              : KIND_LABELS[kind]}
        </span>
        {message.created_datetime ? (
          <time className="sb-message__time" dateTime={isoOf(message.created_datetime)}>
            {formatDateTime(message.created_datetime)}
          </time>
        ) : null}
      </div>
      <p className="sb-message__body" data-testid="message-body">
        {messageText(message)}
      </p>
    </li>
  );
}

/** What an agent does on the ticket, as one of the account's users. */
function AgentActions({
  workspaceId,
  ticket,
  users,
  botUserId,
}: {
  workspaceId: string;
  ticket: SandboxTicket;
  users: readonly GorgiasUser[];
  botUserId: number | null;
}) {
  const queryClient = useQueryClient();
  const people = users.filter((user) => user.id !== botUserId);
  const [agentId, setAgentId] = useState('');
  const [reply, setReply] = useState('');
  const [internal, setInternal] = useState(false);
  const [tag, setTag] = useState('');
  const agent = agentId !== '' ? Number(agentId) : (people[0] ?? users[0])?.id;

  const refresh = () => void invalidateSandboxTickets(queryClient, workspaceId);
  const send = useMutation({
    mutationFn: () => replyAsAgent(workspaceId, ticket.id, { user_id: agent ?? 0, body: reply.trim(), internal }),
    onSuccess: () => {
      setReply('');
      refresh();
    },
  });
  const addTag = useMutation({
    mutationFn: (name: string) => changeTicketTags(workspaceId, ticket.id, { add: [name], remove: [] }),
    onSuccess: () => {
      setTag('');
      refresh();
    },
  });
  const assign = useMutation({
    mutationFn: (userId: number | null) => assignTicket(workspaceId, ticket.id, userId),
    onSuccess: refresh,
  });
  const close = useMutation({ mutationFn: () => closeTicket(workspaceId, ticket.id), onSuccess: refresh });
  const failure = send.error ?? addTag.error ?? assign.error ?? close.error;

  const onReply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (reply.trim() !== '') {
      send.mutate();
    }
  };
  const onTag = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (tag.trim() !== '') {
      addTag.mutate(tag.trim());
    }
  };

  return (
    <section className="panel sb-agent" aria-labelledby={`sb-agent-${ticket.id}`}>
      <div className="sb-agent__head">
        <h3 className="sb-agent__title" id={`sb-agent-${ticket.id}`}>
          As an agent
        </h3>
        <label className="sb-inline">
          <span>Act as</span>
          <select
            className="select"
            value={agent === undefined ? '' : String(agent)}
            onChange={(event) => setAgentId(event.target.value)}
          >
            {users.map((user) => (
              <option key={user.id} value={String(user.id)}>
                {user.name || user.email}
                {user.id === botUserId ? ' (bot user)' : ''}
              </option>
            ))}
          </select>
        </label>
      </div>
      <form className="sb-reply" aria-label="Reply as an agent" onSubmit={onReply}>
        <label className="visually-hidden" htmlFor={`sb-reply-${ticket.id}`}>
          Agent reply
        </label>
        <textarea
          id={`sb-reply-${ticket.id}`}
          className={internal ? 'input textarea sb-textarea sb-textarea--note' : 'input textarea sb-textarea'}
          rows={2}
          placeholder={internal ? 'An internal note, for the team only…' : 'A reply to the customer…'}
          value={reply}
          onChange={(event) => setReply(event.target.value)}
        />
        <div className="sb-row">
          <label className="toggle">
            <input type="checkbox" checked={internal} onChange={(event) => setInternal(event.target.checked)} />
            Internal note
          </label>
          <button
            type="submit"
            className="button button--primary button--small"
            disabled={send.isPending || reply.trim() === '' || agent === undefined}
          >
            {send.isPending ? 'Sending…' : internal ? 'Add note' : 'Send reply'}
          </button>
        </div>
      </form>
      <div className="sb-row sb-row--wrap">
        <form className="sb-inline" aria-label="Add a tag" onSubmit={onTag}>
          <label className="visually-hidden" htmlFor={`sb-tag-${ticket.id}`}>
            Tag
          </label>
          <input
            id={`sb-tag-${ticket.id}`}
            className="input sb-tag-input"
            type="text"
            placeholder="Tag"
            value={tag}
            onChange={(event) => setTag(event.target.value)}
          />
          <button type="submit" className="button button--small" disabled={addTag.isPending || tag.trim() === ''}>
            Add tag
          </button>
        </form>
        <label className="sb-inline">
          <span>Assignee</span>
          <select
            className="select"
            value={ticket.assignee_user ? String(ticket.assignee_user.id) : ''}
            disabled={assign.isPending}
            onChange={(event) => assign.mutate(event.target.value === '' ? null : Number(event.target.value))}
          >
            <option value="">Unassigned</option>
            {ticket.assignee_user && !users.some((user) => user.id === ticket.assignee_user?.id) ? (
              <option value={String(ticket.assignee_user.id)}>
                {ticket.assignee_user.name || ticket.assignee_user.email}
              </option>
            ) : null}
            {users.map((user) => (
              <option key={user.id} value={String(user.id)}>
                {user.name || user.email}
              </option>
            ))}
          </select>
        </label>
        {ticket.status === 'open' ? (
          <button type="button" className="button button--small" disabled={close.isPending} onClick={() => close.mutate()}>
            {close.isPending ? 'Closing…' : 'Close ticket'}
          </button>
        ) : null}
      </div>
      {failure ? (
        <div className="notice notice--danger sb-notice" role="alert">
          {errorText(failure)}
        </div>
      ) : null}
    </section>
  );
}

/** One ticket as a helpdesk shows it: subject, state, tags, the messages, and what an agent can do. */
export function TicketView({
  workspaceId,
  ticket,
  botUserId,
  users,
  editable,
}: {
  workspaceId: string;
  ticket: SandboxTicket;
  botUserId: number | null;
  users: readonly GorgiasUser[];
  editable: boolean;
}) {
  const queryClient = useQueryClient();
  const removeTag = useMutation({
    mutationFn: (name: string) => changeTicketTags(workspaceId, ticket.id, { add: [], remove: [name] }),
    onSuccess: () => void invalidateSandboxTickets(queryClient, workspaceId),
  });
  const assignee = ticket.assignee_user
    ? ticket.assignee_user.name || ticket.assignee_user.email
    : ticket.assignee_team
      ? `Team ${ticket.assignee_team.name}`
      : null;
  return (
    <>
      <article className="panel sb-ticket-view" aria-labelledby={`sb-ticket-${ticket.id}`} data-testid="ticket-view">
        <header className="sb-ticket-view__head">
          <h2 className="sb-ticket-view__title" id={`sb-ticket-${ticket.id}`}>
            {ticket.subject || `Ticket #${ticket.id}`}
          </h2>
          <p className="sb-ticket-view__facts">
            <Badge tone={ticket.status === 'open' ? 'ok' : 'neutral'}>{ticket.status === 'open' ? 'Open' : 'Closed'}</Badge>
            <span>#{ticket.id}</span>
            <span>{channelLabel(ticket.channel)}</span>
            <span>
              {ticket.customer ? (
                <>
                  {ticket.customer.name} <span className="muted">{ticket.customer.email}</span>
                </>
              ) : null}
            </span>
            <span data-testid="ticket-assignee">{assignee ? `Assigned to ${assignee}` : 'Unassigned'}</span>
          </p>
          {ticket.tags.length > 0 ? (
            <ul className="sb-tags" aria-label="Tags">
              {ticket.tags.map((tag) => (
                <li key={tag.id} className="sb-tag" data-testid="ticket-tag">
                  <Badge tone="neutral">{tag.name}</Badge>
                  {editable ? (
                    <button
                      type="button"
                      className="tag-input__remove"
                      aria-label={`Remove tag ${tag.name}`}
                      disabled={removeTag.isPending}
                      onClick={() => removeTag.mutate(tag.name)}
                    >
                      ×
                    </button>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted sb-tags__none">No tags.</p>
          )}
          {removeTag.error ? (
            <div className="notice notice--danger sb-notice" role="alert">
              {errorText(removeTag.error)}
            </div>
          ) : null}
        </header>
        <ol className="sb-messages" aria-label="Messages">
          {ticket.messages.map((message) => (
            <Message key={message.id} message={message} ticket={ticket} botUserId={botUserId} />
          ))}
        </ol>
      </article>
      {editable ? <AgentActions workspaceId={workspaceId} ticket={ticket} users={users} botUserId={botUserId} /> : null}
    </>
  );
}
