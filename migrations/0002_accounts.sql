-- Accounts, roles, sessions, API tokens, invitations, encrypted secrets and the audit log.

-- The first user is the instance owner: may create workspaces and acts as owner in all of them.
ALTER TABLE admin_users
    ADD COLUMN instance_role text NOT NULL DEFAULT 'member' CHECK (instance_role IN ('owner', 'member'));

-- gorgias_domain: the Gorgias account subdomain (acme for acme.gorgias.com), '' when not connected.
-- managed_tags: the tags of the tickets this workspace handles; workspaces on the same Gorgias
-- account must have disjoint, non-empty tag sets (enforced by the application, see workspace package).
ALTER TABLE workspaces
    ADD COLUMN gorgias_domain text NOT NULL DEFAULT '' CHECK (gorgias_domain ~ '^([a-z0-9][a-z0-9-]{0,62})?$'),
    ADD COLUMN managed_tags text[] NOT NULL DEFAULT '{}' CHECK (cardinality(managed_tags) <= 50);
CREATE INDEX workspaces_gorgias_domain ON workspaces (gorgias_domain) WHERE gorgias_domain <> '';

CREATE TABLE memberships (
    workspace_id  bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id       bigint NOT NULL REFERENCES admin_users (id) ON DELETE CASCADE,
    role          text NOT NULL CHECK (role IN ('owner', 'admin', 'editor', 'viewer')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

-- Browser sessions. Only a SHA-256 of the cookie value is stored.
CREATE TABLE sessions (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash    bytea NOT NULL UNIQUE,
    user_id       bigint NOT NULL REFERENCES admin_users (id) ON DELETE CASCADE,
    csrf_token    text NOT NULL,
    ip            text NOT NULL DEFAULT '',
    user_agent    text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed sign-ins, for throttling (rows older than the window are deleted as they are read).
CREATE TABLE login_failures (
    id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email  text NOT NULL,
    ip     text NOT NULL,
    at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_email ON login_failures (email, at);
CREATE INDEX login_failures_ip ON login_failures (ip, at);

CREATE TABLE invitations (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id  bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    email         text NOT NULL,
    role          text NOT NULL CHECK (role IN ('owner', 'admin', 'editor', 'viewer')),
    token_hash    bytea NOT NULL UNIQUE,
    created_by    bigint REFERENCES admin_users (id) ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    accepted_at   timestamptz,
    accepted_by   bigint REFERENCES admin_users (id) ON DELETE SET NULL
);
CREATE INDEX invitations_workspace ON invitations (workspace_id);

-- API tokens: scoped to one workspace and one role; only a SHA-256 of the token is stored.
CREATE TABLE api_tokens (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id  bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    role          text NOT NULL CHECK (role IN ('owner', 'admin', 'editor', 'viewer')),
    prefix        text NOT NULL,
    token_hash    bytea NOT NULL UNIQUE,
    created_by    bigint REFERENCES admin_users (id) ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz,
    revoked_at    timestamptz
);
CREATE INDEX api_tokens_workspace ON api_tokens (workspace_id);

-- Third-party credentials, AES-256-GCM encrypted (internal/secret); hint is the masked form.
CREATE TABLE workspace_secrets (
    workspace_id  bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name          text NOT NULL CHECK (name ~ '^[a-z][a-z0-9_.]{0,99}$'),
    ciphertext    text NOT NULL,
    hint          text NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, name)
);

-- Who changed what configuration, and when. summary never holds secret values.
CREATE TABLE audit_log (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id  bigint REFERENCES workspaces (id) ON DELETE CASCADE,
    actor_kind    text NOT NULL CHECK (actor_kind IN ('user', 'token', 'system')),
    actor_id      bigint,
    actor_label   text NOT NULL DEFAULT '',
    action        text NOT NULL,
    target        text NOT NULL DEFAULT '',
    summary       jsonb NOT NULL DEFAULT '{}',
    at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_workspace ON audit_log (workspace_id, id DESC);
