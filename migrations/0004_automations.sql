-- Automations (recurring requests with learning phrases and a ready answer), the
-- intent models trained on them, instructions, and tag configuration.

CREATE TABLE automations (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id  bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    phrases       text[] NOT NULL DEFAULT '{}' CHECK (cardinality(phrases) <= 200),
    response      text NOT NULL DEFAULT '' CHECK (length(response) <= 5000),
    tags          text[] NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 20),
    post_action   text NOT NULL DEFAULT 'none' CHECK (post_action IN ('none', 'close', 'suspend', 'handover')),
    -- Empty: every channel.
    channels      text[] NOT NULL DEFAULT '{}',
    language      text NOT NULL DEFAULT 'en' CHECK (language ~ '^[a-z]{2,3}$'),
    guidance      text NOT NULL DEFAULT '' CHECK (length(guidance) <= 2000),
    -- Only automations with at least 7 phrases may be active (checked by the application).
    active        boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX automations_workspace_name ON automations (workspace_id, lower(name));

-- One training run of a workspace's matcher. The active row (at most one per
-- workspace) answers messages; a new run becomes active only once it is ready.
CREATE TABLE intent_models (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id      bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    version           int NOT NULL,
    status            text NOT NULL DEFAULT 'training' CHECK (status IN ('training', 'ready', 'failed')),
    stage             text NOT NULL DEFAULT 'queued'
        CHECK (stage IN ('queued', 'preparing', 'cross_validating', 'training', 'done')),
    progress          real NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1),
    error             text NOT NULL DEFAULT '',
    phrases_count     int NOT NULL DEFAULT 0,
    -- automation id → the phrases this model learned.
    phrases           jsonb NOT NULL DEFAULT '{}',
    quality           jsonb,
    warnings          jsonb NOT NULL DEFAULT '[]',
    model             bytea,
    active            boolean NOT NULL DEFAULT false,
    created_at        timestamptz NOT NULL DEFAULT now(),
    finished_at       timestamptz,
    UNIQUE (workspace_id, version)
);
CREATE UNIQUE INDEX intent_models_active ON intent_models (workspace_id) WHERE active;

-- Workspace-wide guidance for the agent, in order. Every save is kept in
-- instruction_revisions.
CREATE TABLE instructions (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id  bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
    text          text NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
    enabled       boolean NOT NULL DEFAULT true,
    position      int NOT NULL DEFAULT 0,
    version       int NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX instructions_workspace ON instructions (workspace_id, position, id);

CREATE TABLE instruction_revisions (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id    bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    instruction_id  bigint NOT NULL REFERENCES instructions (id) ON DELETE CASCADE,
    version         int NOT NULL,
    title           text NOT NULL,
    text            text NOT NULL,
    enabled         boolean NOT NULL,
    saved_by        text NOT NULL DEFAULT '',
    saved_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (instruction_id, version)
);

-- Instructions for one Gorgias ticket (written from the ticket widget).
CREATE TABLE ticket_instructions (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id  bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    ticket_id     text NOT NULL CHECK (length(ticket_id) BETWEEN 1 AND 100),
    text          text NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
    created_by    text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ticket_instructions_ticket ON ticket_instructions (workspace_id, ticket_id, id);

-- Excluded tags (tickets carrying one are never touched) and the names of
-- system tags (key → name; keys not stored use their default name).
CREATE TABLE tag_settings (
    workspace_id  bigint PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    excluded      text[] NOT NULL DEFAULT '{}' CHECK (cardinality(excluded) <= 100),
    system        jsonb NOT NULL DEFAULT '{}',
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Tags the agent applies when a ticket fits the description.
CREATE TABLE smart_tags (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id  bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    description   text NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
    instructions  text NOT NULL DEFAULT '' CHECK (length(instructions) <= 2000),
    post_action   text NOT NULL DEFAULT 'none' CHECK (post_action IN ('none', 'close', 'suspend', 'handover')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX smart_tags_workspace_name ON smart_tags (workspace_id, lower(name));
