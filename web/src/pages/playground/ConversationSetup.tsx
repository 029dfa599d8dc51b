/** Who the playground customer is and what Deskmate knows about them: channel, customer, orders, hours. */
import { AGENT_CHANNELS, AGENT_CHANNEL_LABELS, type AgentChannel } from '../../api/agent';
import {
  BUSINESS_HOURS_MODES,
  MAX_CONVERSATION_INSTRUCTIONS,
  MAX_ORDERS,
  type BusinessHoursMode,
  type PlaygroundOrder,
} from '../../api/playground';
import { Field } from '../../components/Form';

/** Order states offered in the playground, each standing for the shop's fields. */
export const ORDER_STATUSES = ['unfulfilled', 'in_transit', 'out_for_delivery', 'delivered', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ORDER_STATUS_LABELS: Record<OrderStatus, string> = {
  unfulfilled: 'Not shipped yet',
  in_transit: 'In transit',
  out_for_delivery: 'Out for delivery',
  delivered: 'Delivered',
  cancelled: 'Cancelled',
};

/** An order as edited in the playground. */
export interface OrderDraft {
  /** Keeps React's rows apart; never sent. */
  key: number;
  number: string;
  status: OrderStatus;
  tracking_company: string;
  tracking_number: string;
  tracking_url: string;
  /** When the order was added: the newest order is the one Deskmate looks at without a number. */
  created_at: string;
}

/** The shop's fields for an order in the playground. */
export function toOrder(draft: OrderDraft): PlaygroundOrder {
  const shipped = draft.status !== 'unfulfilled' && draft.status !== 'cancelled';
  const order: PlaygroundOrder = {
    number: draft.number.trim(),
    created_at: draft.created_at,
    financial_status: draft.status === 'cancelled' ? 'refunded' : 'paid',
    fulfillment_status: shipped ? 'fulfilled' : '',
    shipment_status: shipped ? draft.status : '',
    tracking_company: draft.tracking_company.trim(),
    tracking_number: draft.tracking_number.trim(),
    tracking_url: draft.tracking_url.trim(),
    items: [],
  };
  if (draft.status === 'cancelled') {
    order.cancelled_at = draft.created_at;
  }
  return order;
}

/** What the playground tells Deskmate besides the messages. */
export interface Setup {
  channel: AgentChannel;
  subject: string;
  name: string;
  email: string;
  note: string;
  orders: OrderDraft[];
  hours: BusinessHoursMode;
  /** One instruction per line. */
  instructions: string;
}

export const INITIAL_SETUP: Setup = {
  channel: 'chat',
  subject: '',
  name: '',
  email: '',
  note: '',
  orders: [],
  hours: 'auto',
  instructions: '',
};

/** The per-conversation instructions: one per non-empty line. */
export function instructionLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

const HOURS_LABELS: Record<BusinessHoursMode, string> = {
  auto: 'From the agent settings',
  open: 'Open',
  closed: 'Closed',
};

let nextOrderKey = 1;

/** A key for a new order row. */
export function newOrderKey(): number {
  return nextOrderKey++;
}

function newOrder(existing: readonly OrderDraft[]): OrderDraft {
  const numbers = existing.map((order) => Number(order.number.replace(/\D/g, ''))).filter((n) => Number.isFinite(n));
  const next = Math.max(1000, ...numbers) + 1;
  return {
    key: newOrderKey(),
    number: `#${next}`,
    status: 'in_transit',
    tracking_company: '',
    tracking_number: '',
    tracking_url: '',
    created_at: new Date().toISOString(),
  };
}

function OrderFields({
  order,
  onChange,
  onRemove,
}: {
  order: OrderDraft;
  onChange: (order: OrderDraft) => void;
  onRemove: () => void;
}) {
  const name = order.number.trim() || 'without a number';
  return (
    <fieldset className="pg-order">
      <legend className="pg-order__legend">Order {name}</legend>
      <div className="pg-order__grid">
        <Field label="Number">
          {(control) => (
            <input
              {...control}
              className="input"
              type="text"
              maxLength={50}
              value={order.number}
              onChange={(event) => onChange({ ...order, number: event.target.value })}
            />
          )}
        </Field>
        <Field label="Status">
          {(control) => (
            <select
              {...control}
              className="select"
              value={order.status}
              onChange={(event) => {
                const status = ORDER_STATUSES.find((candidate) => candidate === event.target.value);
                if (status) {
                  onChange({ ...order, status });
                }
              }}
            >
              {ORDER_STATUSES.map((status) => (
                <option key={status} value={status}>
                  {ORDER_STATUS_LABELS[status]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Carrier">
          {(control) => (
            <input
              {...control}
              className="input"
              type="text"
              placeholder="DHL"
              value={order.tracking_company}
              onChange={(event) => onChange({ ...order, tracking_company: event.target.value })}
            />
          )}
        </Field>
        <Field label="Tracking number">
          {(control) => (
            <input
              {...control}
              className="input"
              type="text"
              value={order.tracking_number}
              onChange={(event) => onChange({ ...order, tracking_number: event.target.value })}
            />
          )}
        </Field>
      </div>
      <Field label="Tracking URL">
        {(control) => (
          <input
            {...control}
            className="input"
            type="url"
            placeholder="https://…"
            maxLength={2000}
            value={order.tracking_url}
            onChange={(event) => onChange({ ...order, tracking_url: event.target.value })}
          />
        )}
      </Field>
      <div>
        <button type="button" className="button button--small button--danger-quiet" onClick={onRemove}>
          Remove order {order.number.trim()}
        </button>
      </div>
    </fieldset>
  );
}

interface ConversationSetupProps {
  setup: Setup;
  onChange: (setup: Setup) => void;
  /** Server messages for the fields, by name (`customer.email`, `customer.orders`…). */
  errors: Record<string, string>;
}

/** The playground's side panel: the conversation's channel, customer, orders, hours and instructions. */
export function ConversationSetup({ setup, onChange, errors }: ConversationSetupProps) {
  const set = <K extends keyof Setup>(key: K, value: Setup[K]) => onChange({ ...setup, [key]: value });
  const instructionCount = instructionLines(setup.instructions).length;
  const tooMany =
    instructionCount > MAX_CONVERSATION_INSTRUCTIONS
      ? `${instructionCount} instructions: at most ${MAX_CONVERSATION_INSTRUCTIONS}.`
      : undefined;
  return (
    <form className="pg-setup" aria-label="Conversation setup" noValidate onSubmit={(event) => event.preventDefault()}>
      <Field label="Channel" error={errors.channel}>
        {(control) => (
          <select
            {...control}
            className="select"
            value={setup.channel}
            onChange={(event) => {
              const channel = AGENT_CHANNELS.find((candidate) => candidate === event.target.value);
              if (channel) {
                set('channel', channel);
              }
            }}
          >
            {AGENT_CHANNELS.map((channel) => (
              <option key={channel} value={channel}>
                {AGENT_CHANNEL_LABELS[channel]}
              </option>
            ))}
          </select>
        )}
      </Field>
      {setup.channel === 'email' || setup.channel === 'contact_form' ? (
        <Field label="Subject" hint="Read with the first message." error={errors.subject}>
          {(control) => (
            <input
              {...control}
              className="input"
              type="text"
              maxLength={500}
              value={setup.subject}
              onChange={(event) => set('subject', event.target.value)}
            />
          )}
        </Field>
      ) : null}
      <fieldset className="pg-group">
        <legend className="pg-group__legend">Customer</legend>
        <Field label="Name" hint="Replies greet the customer by first name." error={errors['customer.name']}>
          {(control) => (
            <input
              {...control}
              className="input"
              type="text"
              autoComplete="off"
              maxLength={200}
              value={setup.name}
              onChange={(event) => set('name', event.target.value)}
            />
          )}
        </Field>
        <Field label="Email" hint="Without one, a chat hand-over asks for it." error={errors['customer.email']}>
          {(control) => (
            <input
              {...control}
              className="input"
              type="email"
              autoComplete="off"
              maxLength={320}
              value={setup.email}
              onChange={(event) => set('email', event.target.value)}
            />
          )}
        </Field>
        <Field label="Note" error={errors['customer.note']}>
          {(control) => (
            <textarea
              {...control}
              className="input pg-textarea"
              rows={2}
              maxLength={2000}
              value={setup.note}
              onChange={(event) => set('note', event.target.value)}
            />
          )}
        </Field>
      </fieldset>
      <fieldset className="pg-group">
        <legend className="pg-group__legend">Orders</legend>
        <p className="field__hint">
          What the shop knows about the customer&apos;s orders, for questions such as “where is my order?”.
        </p>
        {setup.orders.map((order, index) => (
          <OrderFields
            key={order.key}
            order={order}
            onChange={(changed) => set('orders', setup.orders.map((item, i) => (i === index ? changed : item)))}
            onRemove={() => set('orders', setup.orders.filter((_, i) => i !== index))}
          />
        ))}
        {errors['customer.orders'] ? <p className="field__error">{errors['customer.orders']}</p> : null}
        {setup.orders.length < MAX_ORDERS ? (
          <div>
            <button
              type="button"
              className="button button--small"
              onClick={() => set('orders', [...setup.orders, newOrder(setup.orders)])}
            >
              Add order
            </button>
          </div>
        ) : null}
      </fieldset>
      <fieldset className="pg-group">
        <legend className="pg-group__legend">Business hours</legend>
        <div className="pg-radios" role="radiogroup" aria-label="Business hours">
          {BUSINESS_HOURS_MODES.map((mode) => (
            <label key={mode} className="toggle">
              <input
                type="radio"
                name="business-hours"
                value={mode}
                checked={setup.hours === mode}
                onChange={() => set('hours', mode)}
              />
              {HOURS_LABELS[mode]}
            </label>
          ))}
        </div>
        <p className="field__hint">Whether the team is at work changes the hand-over message.</p>
        {errors.business_hours ? <p className="field__error">{errors.business_hours}</p> : null}
      </fieldset>
      <Field
        label="Instructions for this conversation"
        hint={`Optional, one per line, as agents leave them on a ticket (at most ${MAX_CONVERSATION_INSTRUCTIONS}).`}
        error={errors.instructions ?? tooMany}
      >
        {(control) => (
          <textarea
            {...control}
            className="input pg-textarea"
            rows={3}
            value={setup.instructions}
            onChange={(event) => set('instructions', event.target.value)}
          />
        )}
      </Field>
    </form>
  );
}
