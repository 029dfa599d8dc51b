-- The Gorgias connector: a workspace's connection, the webhook deliveries it
-- received, the actions it carried out on tickets (each once), and what it
-- keeps per ticket.

CREATE TABLE gorgias_connections (
    workspace_id        bigint PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    -- disconnected: nothing installed; connected: Deskmate acts; paused:
    -- installed but Deskmate does nothing.
    status              text NOT NULL DEFAULT 'disconnected' CHECK (status IN ('disconnected', 'connected', 'paused')),
    auth_kind           text NOT NULL DEFAULT 'api_key' CHECK (auth_kind IN ('api_key', 'oauth')),
    -- Where the Gorgias API is, when not https://{domain}.gorgias.com (an
    -- emulator or a proxy; set by an instance owner).
    base_url            text NOT NULL DEFAULT '' CHECK (length(base_url) <= 2048),
    sandbox             boolean NOT NULL DEFAULT false,
    bot_user_id         bigint,
    bot_user_email      text NOT NULL DEFAULT '' CHECK (length(bot_user_email) <= 320),
    -- Channels, mode, delays, hand-over target, auto-close: connector.Settings.
    settings            jsonb NOT NULL DEFAULT '{}',
    -- SHA-256 of the secret Gorgias sends with every webhook and widget call
    -- (the secret itself is encrypted in workspace_secrets, to install it).
    webhook_secret_hash bytea,
    oauth_expires_at    timestamptz,
    -- What Deskmate created in Gorgias, to remove on disconnect:
    -- {"integrations": [..], "widgets": [..], "tags": [..], "views": [..], "users": [..]}.
    installed           jsonb NOT NULL DEFAULT '{}',
    last_webhook_at     timestamptz,
    last_reply_at       timestamptz,
    last_error          text NOT NULL DEFAULT '' CHECK (length(last_error) <= 2000),
    last_error_at       timestamptz,
    rate_limited_until  timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

-- Webhook deliveries, stored before they are acknowledged. The same
-- delivery (Gorgias retries, duplicates) has the same dedupe key and is
-- stored once.
CREATE TABLE gorgias_events (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    trigger      text NOT NULL CHECK (length(trigger) <= 50),
    dedupe_key   text NOT NULL CHECK (length(dedupe_key) <= 200),
    ticket_id    bigint NOT NULL,
    message_id   bigint,
    payload      jsonb NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, dedupe_key)
);
CREATE INDEX gorgias_events_ticket ON gorgias_events (workspace_id, ticket_id, id);
CREATE INDEX gorgias_events_received ON gorgias_events (received_at);

-- Every action Deskmate takes on a ticket, keyed by what caused it: a job
-- retried or delivered twice finds its action here and does not act again.
CREATE TABLE gorgias_actions (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id       bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    ticket_id          bigint NOT NULL,
    -- The customer message (or widget call) that caused the action.
    cause              text NOT NULL CHECK (length(cause) <= 100),
    action             text NOT NULL CHECK (length(action) <= 50),
    -- pending: to do (possibly after a delay); done; cancelled (an agent
    -- stepped in); failed (gave up, see detail).
    status             text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'cancelled', 'failed')),
    -- external_id of the message Deskmate posts, to find it after a retry.
    external_id        text NOT NULL CHECK (length(external_id) <= 255),
    gorgias_message_id bigint,
    run_id             bigint REFERENCES agent_runs (id) ON DELETE SET NULL,
    detail             jsonb NOT NULL DEFAULT '{}',
    created_at         timestamptz NOT NULL DEFAULT now(),
    done_at            timestamptz,
    UNIQUE (workspace_id, ticket_id, cause, action)
);
CREATE INDEX gorgias_actions_recent ON gorgias_actions (workspace_id, id DESC);

-- What Deskmate keeps about a ticket: the agents' instructions from the
-- sidebar, the latest decision and summary shown there.
CREATE TABLE gorgias_tickets (
    workspace_id      bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    ticket_id         bigint NOT NULL,
    instructions      text[] NOT NULL DEFAULT '{}',
    last_run_id       bigint REFERENCES agent_runs (id) ON DELETE SET NULL,
    last_decision     text NOT NULL DEFAULT '',
    last_reason       text NOT NULL DEFAULT '',
    summary           text NOT NULL DEFAULT '' CHECK (length(summary) <= 4000),
    -- The newest customer message seen, so that a burst is answered once.
    last_customer_message_id bigint,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, ticket_id)
);
