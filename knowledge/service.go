package knowledge

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/internal/netguard"
	"github.com/deskmate/deskmate/internal/secret"
	"github.com/deskmate/deskmate/knowledge/web"
	"github.com/deskmate/deskmate/llm"
	"github.com/deskmate/deskmate/store"
	"github.com/deskmate/deskmate/workspace"
)

// ModelSource gives a workspace's model settings and decrypted secrets;
// *workspace.Service is one.
type ModelSource interface {
	ModelSettings(ctx context.Context, workspaceID int64) (workspace.ModelSettings, error)
	Secret(ctx context.Context, workspaceID int64, name string) (secret.Redacted, error)
}

// Queue puts knowledge jobs on the job queue in the caller's transaction,
// so a job exists exactly when the change that needs it was committed.
// Package jobs implements it.
type Queue interface {
	Ingest(ctx context.Context, tx pgx.Tx, tasks []IngestTask) error
	Reembed(ctx context.Context, tx pgx.Tx, workspaceID int64, model string) error
	Relanguage(ctx context.Context, tx pgx.Tx, workspaceID, baseID int64) error
}

// IngestTask is one document to (re)process in a run.
type IngestTask struct {
	WorkspaceID int64 `json:"workspace_id"`
	DocumentID  int64 `json:"document_id"`
	RunID       int64 `json:"run_id"`
	// Force re-reads the source even when it did not change (new chunk settings).
	Force bool `json:"force,omitempty"`
}

// EmbedderFactory builds the embedder a spec describes for a workspace.
type EmbedderFactory func(ctx context.Context, workspaceID int64, spec store.EmbedderSpec) (llm.Embedder, error)

// Options configures a Service.
type Options struct {
	DB     *store.DB
	Models ModelSource
	// Queue puts ingestion and re-embedding jobs on the job queue.
	Queue Queue
	// Guard checks every request to web sources (URL documents, sitemaps,
	// crawls): DESKMATE_URL_ALLOWLIST. Nil refuses every internal address.
	Guard *netguard.Guard
	// ModelGuard checks every request to model providers (embeddings):
	// DESKMATE_MODEL_ALLOWLIST. It is separate so that a provider allowed on
	// a private address does not open that address to web sources. Nil
	// refuses every internal address; it never falls back to Guard.
	ModelGuard *netguard.Guard
	Logger     *slog.Logger
	// Embedders overrides how embedders are built (tests count calls with it).
	Embedders EmbedderFactory
	// CrawlDelay spaces the requests of a crawl or sitemap (default 500ms; a
	// site's robots.txt Crawl-delay can ask for more, up to 10s).
	CrawlDelay time.Duration
	// FetchTimeout bounds one web request (default 30s).
	FetchTimeout time.Duration
	// EmbedBatch is how many chunks are embedded and stored at once (default 64).
	EmbedBatch int
}

// Service is Deskmate's knowledge: knowledge bases and their documents,
// ingestion (called by jobs) and search.
type Service struct {
	db         *store.DB
	models     ModelSource
	guard      *netguard.Guard // web sources
	logger     *slog.Logger
	embedders  EmbedderFactory
	fetch      *web.Fetcher
	modelHTTP  *http.Client // model providers, through the model guard
	crawlDelay time.Duration
	batch      int

	queue Queue

	indexes   sync.Map // "model/dims" → time the index was last ensured
	reembeds  sync.Map // workspace id → *sync.Mutex: one re-embed at a time per workspace
	terms     sync.Map // workspace id → *cachedTerms
	iterative struct {
		once sync.Once
		ok   bool
	}
}

// New returns a Service.
func New(o Options) (*Service, error) {
	if o.DB == nil || o.Models == nil || o.Queue == nil {
		return nil, errors.New("knowledge: DB, Models and Queue are required")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Guard == nil {
		g, err := netguard.New(nil)
		if err != nil {
			return nil, err
		}
		o.Guard = g
	}
	if o.ModelGuard == nil {
		g, err := netguard.New(nil, netguard.WithAllowListName("DESKMATE_MODEL_ALLOWLIST"))
		if err != nil {
			return nil, err
		}
		o.ModelGuard = g
	}
	if o.CrawlDelay == 0 {
		o.CrawlDelay = 500 * time.Millisecond
	}
	if o.FetchTimeout == 0 {
		o.FetchTimeout = 30 * time.Second
	}
	if o.EmbedBatch <= 0 {
		o.EmbedBatch = 64
	}
	s := &Service{db: o.DB, models: o.Models, queue: o.Queue, guard: o.Guard, logger: o.Logger, embedders: o.Embedders,
		fetch: web.NewFetcher(o.Guard, o.FetchTimeout), modelHTTP: o.ModelGuard.Client(2 * time.Minute),
		crawlDelay: max(o.CrawlDelay, 0), batch: o.EmbedBatch}
	if s.embedders == nil {
		s.embedders = s.defaultEmbedder
	}
	return s, nil
}

// MayEdit says whether actor may change the workspace's knowledge (editors
// and up); every change checks it, and a caller can ask before reading a
// large request.
func (s *Service) MayEdit(actor account.Actor) error { return actor.Require(account.RoleEditor) }

// ConflictError is a request that does not fit the document's state, such as
// retrying a document that did not fail.
type ConflictError struct{ Msg string }

func (e *ConflictError) Error() string { return e.Msg }
