-- Knowledge bases: documents curated by support managers, split into chunks that
-- the agent retrieves by meaning (pgvector) and by words (PostgreSQL full text).

CREATE TABLE knowledge_bases (
    id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id           bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name                   text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description            text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    -- Chunking, in characters.
    chunk_size             int NOT NULL DEFAULT 1200 CHECK (chunk_size BETWEEN 200 AND 8000),
    chunk_overlap          int NOT NULL DEFAULT 150 CHECK (chunk_overlap >= 0 AND chunk_overlap * 2 <= chunk_size),
    -- Text search configuration used for this base's chunks.
    language               text NOT NULL DEFAULT 'english'
        CHECK (language IN ('simple', 'english', 'french', 'german', 'spanish', 'italian', 'portuguese', 'dutch',
                            'danish', 'swedish', 'norwegian', 'finnish', 'russian', 'turkish')),
    enabled                boolean NOT NULL DEFAULT true,
    -- Web sources are fetched again this often; 0 turns scheduled re-syncs off.
    resync_interval_hours  int NOT NULL DEFAULT 24 CHECK (resync_interval_hours BETWEEN 0 AND 8760),
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX knowledge_bases_workspace ON knowledge_bases (workspace_id, id);

-- One ingestion run: documents added, uploaded, re-synced or retried together.
-- Counters are updated by the jobs as they go.
CREATE TABLE knowledge_runs (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id       bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    knowledge_base_id  bigint NOT NULL REFERENCES knowledge_bases (id) ON DELETE CASCADE,
    kind               text NOT NULL CHECK (kind IN ('add', 'upload', 'edit', 'resync', 'retry', 'schedule', 'rechunk')),
    documents_total    int NOT NULL DEFAULT 0,
    documents_done     int NOT NULL DEFAULT 0,
    documents_failed   int NOT NULL DEFAULT 0,
    chunks_total       int NOT NULL DEFAULT 0,
    chunks_done        int NOT NULL DEFAULT 0,
    created_at         timestamptz NOT NULL DEFAULT now(),
    finished_at        timestamptz
);
CREATE INDEX knowledge_runs_base ON knowledge_runs (knowledge_base_id, id DESC);

-- A document: pasted text, an uploaded file, a web page, or a sitemap or site
-- crawl whose pages are documents with parent_id set.
CREATE TABLE knowledge_documents (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id       bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    knowledge_base_id  bigint NOT NULL REFERENCES knowledge_bases (id) ON DELETE CASCADE,
    parent_id          bigint REFERENCES knowledge_documents (id) ON DELETE CASCADE,
    source_type        text NOT NULL CHECK (source_type IN ('text', 'file', 'url', 'sitemap', 'crawl', 'page')),
    title              text NOT NULL DEFAULT '' CHECK (length(title) <= 500),
    url                text NOT NULL DEFAULT '' CHECK (length(url) <= 2048),
    filename           text NOT NULL DEFAULT '' CHECK (length(filename) <= 255),
    -- markdown, text, html, pdf, csv or docx once known.
    format             text NOT NULL DEFAULT '',
    -- Text documents: the text as written.
    body               text NOT NULL DEFAULT '',
    -- Uploaded files (kept for retries), or a page fetched by a crawl until it is ingested.
    raw                bytea,
    -- SHA-256 of the source last ingested, to skip unchanged pages.
    content_hash       bytea,
    etag               text NOT NULL DEFAULT '',
    last_modified      text NOT NULL DEFAULT '',
    max_pages          int NOT NULL DEFAULT 0 CHECK (max_pages >= 0),
    max_depth          int NOT NULL DEFAULT 0 CHECK (max_depth >= 0),
    status             text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'processing', 'ready', 'failed')),
    error              text NOT NULL DEFAULT '',
    enabled            boolean NOT NULL DEFAULT true,
    chunk_count        int NOT NULL DEFAULT 0,
    chunks_embedded    int NOT NULL DEFAULT 0,
    run_id             bigint REFERENCES knowledge_runs (id) ON DELETE SET NULL,
    last_synced_at     timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX knowledge_documents_base ON knowledge_documents (knowledge_base_id, id);
CREATE INDEX knowledge_documents_workspace ON knowledge_documents (workspace_id);
CREATE INDEX knowledge_documents_run ON knowledge_documents (run_id);
CREATE UNIQUE INDEX knowledge_documents_page ON knowledge_documents (parent_id, url) WHERE parent_id IS NOT NULL;
CREATE INDEX knowledge_documents_web ON knowledge_documents (last_synced_at)
    WHERE parent_id IS NULL AND source_type IN ('url', 'sitemap', 'crawl');

-- A chunk of a document: a section or part of one, with where it sits
-- ("Doc title › Section › Subsection") and its URL (with #anchor when known).
-- tsv weighs the title path (A) above the text (B).
CREATE TABLE knowledge_chunks (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id       bigint NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    knowledge_base_id  bigint NOT NULL REFERENCES knowledge_bases (id) ON DELETE CASCADE,
    document_id        bigint NOT NULL REFERENCES knowledge_documents (id) ON DELETE CASCADE,
    ord                int NOT NULL,
    title_path         text NOT NULL,
    url                text NOT NULL DEFAULT '',
    content            text NOT NULL,
    -- SHA-256 of what is embedded (title path and text): unchanged chunks keep their vectors.
    content_hash       bytea NOT NULL,
    language           regconfig NOT NULL,
    tsv                tsvector GENERATED ALWAYS AS
        (setweight(to_tsvector(language, title_path), 'A') || setweight(to_tsvector(language, content), 'B')) STORED
);
CREATE INDEX knowledge_chunks_document ON knowledge_chunks (document_id, ord);
CREATE INDEX knowledge_chunks_workspace ON knowledge_chunks (workspace_id, id);
CREATE INDEX knowledge_chunks_base ON knowledge_chunks (knowledge_base_id);
CREATE INDEX knowledge_chunks_tsv ON knowledge_chunks USING gin (tsv);

-- Vectors of chunks, one per embedding model. The column has no fixed size so
-- that models of different sizes coexist; Deskmate creates one partial HNSW
-- index per model and size, on a cast to that size, when it first appears.
-- Workspace, knowledge base and document are copied from the chunk so that a
-- search filters inside the index scan (pgvector's iterative scan) instead of
-- joining first.
CREATE TABLE knowledge_embeddings (
    chunk_id           bigint NOT NULL REFERENCES knowledge_chunks (id) ON DELETE CASCADE,
    model              text NOT NULL CHECK (length(model) BETWEEN 1 AND 250),
    dims               int NOT NULL CHECK (dims > 0),
    workspace_id       bigint NOT NULL,
    knowledge_base_id  bigint NOT NULL,
    document_id        bigint NOT NULL,
    embedding          vector NOT NULL,
    PRIMARY KEY (chunk_id, model)
);
-- Vectors do not compress: keep rows up to a page inline rather than TOASTed.
ALTER TABLE knowledge_embeddings ALTER COLUMN embedding SET STORAGE MAIN;
ALTER TABLE knowledge_embeddings SET (toast_tuple_target = 8160);
CREATE INDEX knowledge_embeddings_workspace_model ON knowledge_embeddings (workspace_id, model);

-- The embedding model a workspace's search uses (active) and, while the
-- workspace's model settings changed and everything is re-embedded, the new
-- one (target). spec holds provider, base URL and model name, never keys.
CREATE TABLE knowledge_embedders (
    workspace_id  bigint PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    active_model  text NOT NULL,
    active_dims   int NOT NULL DEFAULT 0,
    active_spec   jsonb NOT NULL,
    target_model  text,
    target_spec   jsonb,
    updated_at    timestamptz NOT NULL DEFAULT now()
);
