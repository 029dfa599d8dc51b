-- The agent: conversations (one per ticket or playground chat) with their
-- hand-over state, and one run per decision with its trace.

CREATE TABLE conversations (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id    bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    -- "gorgias:<ticket id>" or "playground:<uuid>".
    key             text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    channel         text NOT NULL DEFAULT '' CHECK (length(channel) <= 50),
    -- bot: Deskmate may answer; handed_over: a person has it until an agent
    -- returns it to the bot.
    state           text NOT NULL DEFAULT 'bot' CHECK (state IN ('bot', 'handed_over')),
    handover_reason text NOT NULL DEFAULT '' CHECK (length(handover_reason) <= 50),
    handed_over_at  timestamptz,
    bot_replies     int NOT NULL DEFAULT 0 CHECK (bot_replies >= 0),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, key)
);

-- One pipeline run: what came in (input, kept for replays), what was
-- decided, and the trace of every step.
CREATE TABLE agent_runs (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id    bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    conversation_id bigint REFERENCES conversations (id) ON DELETE SET NULL,
    source          text NOT NULL CHECK (source IN ('playground', 'ticket', 'draft', 'replay', 'eval')),
    ticket_id       text NOT NULL DEFAULT '' CHECK (length(ticket_id) <= 100),
    channel         text NOT NULL DEFAULT '' CHECK (length(channel) <= 50),
    decision        text NOT NULL CHECK (decision IN ('reply', 'clarify', 'handover', 'nothing')),
    reason          text NOT NULL DEFAULT '' CHECK (length(reason) <= 50),
    automation_id   bigint,
    language        text NOT NULL DEFAULT '' CHECK (length(language) <= 10),
    config_version  text NOT NULL DEFAULT '' CHECK (length(config_version) <= 64),
    model           text NOT NULL DEFAULT '' CHECK (length(model) <= 300),
    tokens_in       int NOT NULL DEFAULT 0,
    tokens_out      int NOT NULL DEFAULT 0,
    cost_usd        double precision NOT NULL DEFAULT 0,
    duration_ms     double precision NOT NULL DEFAULT 0,
    reply           text NOT NULL DEFAULT '',
    input           jsonb NOT NULL,
    trace           jsonb NOT NULL,
    replay_of       bigint REFERENCES agent_runs (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agent_runs_workspace ON agent_runs (workspace_id, id DESC);
CREATE INDEX agent_runs_conversation ON agent_runs (conversation_id, id) WHERE conversation_id IS NOT NULL;
