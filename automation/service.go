package automation

import (
	"context"
	"errors"
	"sync"

	"github.com/jackc/pgx/v5"

	"github.com/deskmate/deskmate/intent"
	"github.com/deskmate/deskmate/llm"
	"github.com/deskmate/deskmate/store"
)

// ErrNoModel is returned when a workspace has no trained matcher yet.
var ErrNoModel = errors.New("no model trained yet: add at least 2 active automations and train")

// ErrTrainingBusy is returned when the previous training of a workspace is
// still finishing its job.
var ErrTrainingBusy = errors.New("the previous training is still finishing: try again in a moment")

// Queue puts a training job on the job queue in the caller's transaction, so
// the job exists exactly when its run was recorded. Package jobs implements it.
type Queue interface {
	TrainIntents(ctx context.Context, tx pgx.Tx, workspaceID, modelID int64) error
}

// Embedders gives the embedder a workspace's model settings ask for, with
// its spec: built through the model guard (DESKMATE_MODEL_ALLOWLIST) with
// the workspace's API key. *knowledge.Service is one, so automations and
// knowledge use the same embedding model.
type Embedders interface {
	Embedder(ctx context.Context, workspaceID int64) (llm.Embedder, store.EmbedderSpec, error)
}

// Service implements automations, training, instructions and tags on a
// database. Build it with New.
type Service struct {
	db        *store.DB
	queue     Queue
	embedders Embedders

	mu     sync.Mutex
	models map[int64]loadedModel // by workspace id
}

// Options are what a Service needs.
type Options struct {
	DB    *store.DB
	Queue Queue // puts training runs on the job queue
	// Embedders, if set, gives "Train AI" and Match the workspace's
	// embedding model: with an Ollama or OpenAI-compatible provider and an
	// embedding model, the matcher adds sentence vectors to its lexical
	// features. Nil, or the built-in provider: lexical features only.
	Embedders Embedders
}

// New returns a Service.
func New(o Options) (*Service, error) {
	if o.DB == nil || o.Queue == nil {
		return nil, errors.New("automation: DB and Queue are required")
	}
	return &Service{db: o.DB, queue: o.Queue, embedders: o.Embedders}, nil
}

// loadedModel is a workspace's active matcher, cached until the active id changes.
type loadedModel struct {
	id      int64
	version int
	model   *intent.Model
}
