-- Deskmate's initial schema: workspaces, admin users and settings.
CREATE EXTENSION IF NOT EXISTS vector;

-- A workspace is one Gorgias account connection with its own knowledge,
-- automations, instructions, tags, model settings and tickets.
CREATE TABLE workspaces (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- People who sign in to the admin app.
CREATE TABLE admin_users (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email          text NOT NULL CHECK (length(email) BETWEEN 3 AND 320),
    name           text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
    password_hash  text NOT NULL,
    disabled_at    timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX admin_users_email_key ON admin_users (lower(email));

-- Settings edited at run time: instance-wide when workspace_id is NULL,
-- otherwise for one workspace. Infrastructure settings stay in the environment.
CREATE TABLE settings (
    workspace_id  bigint REFERENCES workspaces (id) ON DELETE CASCADE,
    key           text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_.]{0,99}$'),
    value         jsonb NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX settings_instance_key ON settings (key) WHERE workspace_id IS NULL;
CREATE UNIQUE INDEX settings_workspace_key ON settings (workspace_id, key) WHERE workspace_id IS NOT NULL;
