import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { channelLabel } from '../../api/agent';
import { MODE_LABELS, fetchGorgiasConnection, gorgiasKeys } from '../../api/gorgias';
import {
  CUSTOMER_CHANNELS,
  SANDBOX_REFRESH_MS,
  fetchSandboxCustomers,
  fetchSandboxTickets,
  fetchSandboxUsers,
  invalidateSandboxTickets,
  sandboxKeys,
  sendCustomerMessage,
  type CustomerChannel,
  type CustomerMessage,
  type SampleCustomer,
  type SandboxTicket,
} from '../../api/sandbox';
import { Badge } from '../../components/Badge';
import { Field, FormError, ReadOnlyNote, formErrors } from '../../components/Form';
import { QueryState } from '../../components/QueryState';
import { StatusBadge } from '../gorgias/GorgiasPage';
import { TicketView, messageText } from './TicketView';
import { WidgetPanel } from './WidgetPanel';

/** Query parameter of the open ticket. */
const TICKET_PARAM = 'ticket';

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function TicketList({
  tickets,
  openId,
  onOpen,
}: {
  tickets: readonly SandboxTicket[];
  openId: number | null;
  onOpen: (id: number | null) => void;
}) {
  return (
    <nav className="sb-list" aria-label="Tickets">
      <div className="sb-list__head">
        <h2 className="sb-list__title">Tickets</h2>
        <button type="button" className="button button--small" disabled={openId === null} onClick={() => onOpen(null)}>
          New ticket
        </button>
      </div>
      {tickets.length === 0 ? (
        <p className="muted sb-list__empty">No tickets yet. Write as a customer to open one.</p>
      ) : (
        <ul className="sb-list__items">
          {tickets.map((ticket) => {
            const last = ticket.messages[ticket.messages.length - 1];
            return (
              <li key={ticket.id}>
                <button
                  type="button"
                  className={ticket.id === openId ? 'sb-ticket sb-ticket--open' : 'sb-ticket'}
                  aria-current={ticket.id === openId ? 'true' : undefined}
                  data-testid="sandbox-ticket"
                  data-ticket-id={ticket.id}
                  onClick={() => onOpen(ticket.id)}
                >
                  <span className="sb-ticket__head">
                    <span className="sb-ticket__customer">
                      {ticket.customer?.name || ticket.customer?.email || 'Customer'}
                    </span>
                    <Badge tone={ticket.status === 'open' ? 'ok' : 'neutral'}>
                      {ticket.status === 'open' ? 'Open' : 'Closed'}
                    </Badge>
                  </span>
                  <span className="sb-ticket__subject">{ticket.subject || `Ticket #${ticket.id}`}</span>
                  {last ? <span className="sb-ticket__last">{oneLine(messageText(last))}</span> : null}
                  <span className="sb-ticket__meta">
                    {channelLabel(ticket.channel)} · #{ticket.id}
                    {ticket.tags.length > 0 ? ` · ${ticket.tags.map((tag) => tag.name).join(', ')}` : ''}
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </nav>
  );
}

const OTHER = 'other';

/** What a customer writes: a new ticket, or a reply on the open one. */
function CustomerForm({
  workspaceId,
  ticket,
  customers,
  onSent,
}: {
  workspaceId: string;
  ticket: SandboxTicket | null;
  customers: readonly SampleCustomer[];
  onSent: (ticket: SandboxTicket) => void;
}) {
  const queryClient = useQueryClient();
  const [pick, setPick] = useState('');
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [channel, setChannel] = useState<CustomerChannel>(() => {
    const found = CUSTOMER_CHANNELS.find((candidate) => candidate === ticket?.channel);
    return found ?? 'email';
  });
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const send = useMutation({
    mutationFn: (message: CustomerMessage) => sendCustomerMessage(workspaceId, message),
    onSuccess: (sent) => {
      setBody('');
      setSubject('');
      void invalidateSandboxTickets(queryClient, workspaceId);
      onSent(sent);
    },
  });
  const errors = formErrors(send.error, ['email', 'name', 'channel', 'subject', 'body', 'ticket_id']);

  const first = customers[0];
  const chosen = pick !== '' ? pick : first ? String(first.id) : OTHER;
  const sample = customers.find((customer) => String(customer.id) === chosen);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const typed = { email: email.trim(), name: name.trim() };
    const who = ticket?.customer ?? sample ?? typed;
    send.mutate({
      email: who.email,
      name: who.name,
      channel,
      ticket_id: ticket?.id ?? 0,
      subject: ticket ? '' : subject.trim(),
      body: body.trim(),
    });
  };

  return (
    <form className="panel sb-customer" aria-label="Write as a customer" onSubmit={onSubmit} noValidate>
      <h2 className="panel__title">{ticket ? 'The customer writes again' : 'Write as a customer'}</h2>
      {ticket ? (
        <p className="panel__text">
          As {ticket.customer?.name || ticket.customer?.email || 'the customer'}, on ticket #{ticket.id}.
        </p>
      ) : (
        <>
          <div className="form__grid">
            <Field
              label="Customer"
              hint="Sample customers have orders in the sandbox's Shopify store."
              error={chosen === OTHER ? undefined : errors.fields.email}
            >
              {(control) => (
                <select {...control} className="select" value={chosen} onChange={(event) => setPick(event.target.value)}>
                  {customers.map((customer) => (
                    <option key={customer.id} value={String(customer.id)}>
                      {customer.name ? `${customer.name} (${customer.email})` : customer.email}
                      {customer.orders > 0 ? ` · ${customer.orders === 1 ? '1 order' : `${customer.orders} orders`}` : ''}
                    </option>
                  ))}
                  <option value={OTHER}>Someone else…</option>
                </select>
              )}
            </Field>
            <Field label="Channel" error={errors.fields.channel}>
              {(control) => (
                <select
                  {...control}
                  className="select"
                  value={channel}
                  onChange={(event) => {
                    const next = CUSTOMER_CHANNELS.find((candidate) => candidate === event.target.value);
                    if (next) {
                      setChannel(next);
                    }
                  }}
                >
                  {CUSTOMER_CHANNELS.map((candidate) => (
                    <option key={candidate} value={candidate}>
                      {channelLabel(candidate)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          {chosen === OTHER ? (
            <div className="form__grid">
              <Field label="Customer email" error={errors.fields.email}>
                {(control) => (
                  <input
                    {...control}
                    className="input"
                    type="email"
                    autoComplete="off"
                    value={email}
                    onChange={(event) => setEmail(event.target.value)}
                  />
                )}
              </Field>
              <Field label="Customer name" error={errors.fields.name}>
                {(control) => (
                  <input
                    {...control}
                    className="input"
                    type="text"
                    autoComplete="off"
                    value={name}
                    onChange={(event) => setName(event.target.value)}
                  />
                )}
              </Field>
            </div>
          ) : null}
          <Field label="Subject" error={errors.fields.subject}>
            {(control) => (
              <input
                {...control}
                className="input"
                type="text"
                value={subject}
                onChange={(event) => setSubject(event.target.value)}
              />
            )}
          </Field>
        </>
      )}
      <Field label="Customer message" error={errors.fields.body}>
        {(control) => (
          <textarea
            {...control}
            className="input textarea sb-textarea"
            rows={3}
            value={body}
            onChange={(event) => setBody(event.target.value)}
          />
        )}
      </Field>
      <FormError message={errors.message} />
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={send.isPending || body.trim() === ''}>
          {send.isPending ? 'Sending…' : ticket ? 'Send as the customer' : 'Open the ticket'}
        </button>
      </div>
    </form>
  );
}

/** The sandbox's helpdesk: tickets on the left, the open ticket in the middle, Deskmate's widget on the right. */
export function Inbox({ workspaceId, editable }: { workspaceId: string; editable: boolean }) {
  const [searchParams, setSearchParams] = useSearchParams();
  const tickets = useQuery({
    queryKey: sandboxKeys.tickets(workspaceId),
    queryFn: ({ signal }) => fetchSandboxTickets(workspaceId, signal),
    refetchInterval: SANDBOX_REFRESH_MS,
  });
  const customers = useQuery({
    queryKey: sandboxKeys.customers(workspaceId),
    queryFn: ({ signal }) => fetchSandboxCustomers(workspaceId, signal),
  });
  const users = useQuery({
    queryKey: sandboxKeys.users(workspaceId),
    queryFn: ({ signal }) => fetchSandboxUsers(workspaceId, signal),
  });
  const connection = useQuery({
    queryKey: gorgiasKeys.connection(workspaceId),
    queryFn: ({ signal }) => fetchGorgiasConnection(workspaceId, signal),
  });

  const param = Number(searchParams.get(TICKET_PARAM) ?? '');
  const openId = Number.isInteger(param) && param > 0 ? param : null;
  const open = (id: number | null) =>
    setSearchParams((params) => {
      const next = new URLSearchParams(params);
      if (id === null) {
        next.delete(TICKET_PARAM);
      } else {
        next.set(TICKET_PARAM, String(id));
      }
      return next;
    });

  const botUserId = connection.data?.bot_user?.id ?? null;

  return (
    <div className="stack">
      {connection.data ? (
        <p className="sb-bar" role="group" aria-label="Sandbox connection">
          <StatusBadge status={connection.data.status} />
          <span>{MODE_LABELS[connection.data.settings.mode]}.</span>
          <Link to="/gorgias">Change on the Gorgias page</Link>
        </p>
      ) : null}
      <QueryState data={tickets.data} error={tickets.error} what="the tickets">
        {(list) => {
          const ticket = openId === null ? null : (list.find((candidate) => candidate.id === openId) ?? null);
          return (
            <div className={ticket ? 'sb-inbox sb-inbox--ticket' : 'sb-inbox'}>
              <TicketList tickets={list} openId={openId} onOpen={open} />
              <div className="sb-main">
                {openId !== null && ticket === null ? (
                  <p className="notice notice--warning" role="note">
                    Ticket #{openId} is not in the sandbox.
                  </p>
                ) : null}
                {ticket ? (
                  <TicketView
                    key={ticket.id}
                    workspaceId={workspaceId}
                    ticket={ticket}
                    botUserId={botUserId}
                    users={users.data ?? []}
                    editable={editable}
                  />
                ) : null}
                {editable ? (
                  <CustomerForm
                    key={ticket ? `customer-${ticket.id}` : 'customer-new'}
                    workspaceId={workspaceId}
                    ticket={ticket}
                    customers={customers.data ?? []}
                    onSent={(sent) => open(sent.id)}
                  />
                ) : (
                  <ReadOnlyNote>Only editors can write in the sandbox.</ReadOnlyNote>
                )}
              </div>
              {ticket ? <WidgetPanel workspaceId={workspaceId} ticketId={ticket.id} editable={editable} /> : null}
            </div>
          );
        }}
      </QueryState>
    </div>
  );
}
