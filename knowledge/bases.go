package knowledge

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/internal/validate"
	"github.com/deskmate/deskmate/store"
)

// Languages are the text search configurations a knowledge base can use.
var Languages = []string{"simple", "english", "french", "german", "spanish", "italian", "portuguese", "dutch",
	"danish", "swedish", "norwegian", "finnish", "russian", "turkish"}

// DefaultResyncHours is how often web sources are re-synced by default.
const DefaultResyncHours = 24

// BaseInput creates or changes a knowledge base; nil fields keep their value
// (or take the default on create).
type BaseInput struct {
	Name                *string
	Description         *string
	ChunkSize           *int
	ChunkOverlap        *int
	Language            *string
	Enabled             *bool
	ResyncIntervalHours *int
}

// Bases lists a workspace's knowledge bases.
func (s *Service) Bases(ctx context.Context, actor account.Actor) ([]store.KnowledgeBase, error) {
	return store.KnowledgeBases(ctx, s.db.Pool, actor.WorkspaceID)
}

// Base returns one knowledge base of a workspace.
func (s *Service) Base(ctx context.Context, actor account.Actor, id int64) (store.KnowledgeBase, error) {
	return store.KnowledgeBaseByID(ctx, s.db.Pool, actor.WorkspaceID, id)
}

// CreateBase adds a knowledge base.
func (s *Service) CreateBase(ctx context.Context, actor account.Actor, in BaseInput) (store.KnowledgeBase, error) {
	if err := actor.Require(account.RoleEditor); err != nil {
		return store.KnowledgeBase{}, err
	}
	k := store.KnowledgeBase{WorkspaceID: actor.WorkspaceID, ChunkSize: DefaultChunkSize, ChunkOverlap: DefaultChunkOverlap,
		Language: "english", Enabled: true, ResyncIntervalHours: DefaultResyncHours}
	v := validate.Errors{}
	if in.Name == nil {
		v.Add("name", "is required")
	}
	applyBase(&k, in, v)
	if err := v.Err(); err != nil {
		return store.KnowledgeBase{}, err
	}
	var out store.KnowledgeBase
	err := s.db.InTx(ctx, func(tx pgx.Tx) error {
		if err := store.CheckLimit(ctx, tx, store.LimitKnowledgeBases, actor.WorkspaceID, 1); err != nil {
			return err
		}
		var err error
		if out, err = store.CreateKnowledgeBase(ctx, tx, k); err != nil {
			return err
		}
		return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "knowledge_base.create", out.Name, map[string]any{
			"id": out.ID, "chunk_size": out.ChunkSize, "chunk_overlap": out.ChunkOverlap, "language": out.Language})
	})
	return out, err
}

// UpdateBase changes a knowledge base. New chunk settings re-chunk every
// document; a new language rebuilds the text search vectors; both in jobs.
func (s *Service) UpdateBase(ctx context.Context, actor account.Actor, id int64, in BaseInput) (store.KnowledgeBase, error) {
	if err := actor.Require(account.RoleEditor); err != nil {
		return store.KnowledgeBase{}, err
	}
	q := s.queue
	var err error
	var out store.KnowledgeBase
	err = s.db.InTx(ctx, func(tx pgx.Tx) error {
		old, err := store.KnowledgeBaseByID(ctx, tx, actor.WorkspaceID, id)
		if err != nil {
			return err
		}
		k := old
		v := validate.Errors{}
		applyBase(&k, in, v)
		if err := v.Err(); err != nil {
			return err
		}
		if out, err = store.UpdateKnowledgeBase(ctx, tx, k); err != nil {
			return err
		}
		out.DocumentCount, out.ChunkCount = old.DocumentCount, old.ChunkCount
		diff := map[string]any{}
		for _, f := range []struct {
			name     string
			old, new any
		}{{"name", old.Name, k.Name}, {"description", old.Description, k.Description}, {"chunk_size", old.ChunkSize, k.ChunkSize},
			{"chunk_overlap", old.ChunkOverlap, k.ChunkOverlap}, {"language", old.Language, k.Language},
			{"enabled", old.Enabled, k.Enabled}, {"resync_interval_hours", old.ResyncIntervalHours, k.ResyncIntervalHours}} {
			if f.old != f.new {
				diff[f.name] = []any{f.old, f.new}
			}
		}
		if len(diff) == 0 {
			return nil
		}
		if old.ChunkSize != k.ChunkSize || old.ChunkOverlap != k.ChunkOverlap {
			if err := s.rechunk(ctx, tx, q, k); err != nil {
				return err
			}
		}
		if old.Language != k.Language {
			if err := q.Relanguage(ctx, tx, actor.WorkspaceID, id); err != nil {
				return err
			}
		}
		return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "knowledge_base.update", out.Name, diff)
	})
	return out, err
}

// rechunk queues every document of a knowledge base (not sitemaps and crawls
// themselves, whose pages are documents) to be split again.
func (s *Service) rechunk(ctx context.Context, tx pgx.Tx, q Queue, k store.KnowledgeBase) error {
	ids, err := store.KnowledgeContentDocumentIDs(ctx, tx, k.WorkspaceID, k.ID)
	if err != nil || len(ids) == 0 {
		return err
	}
	run, err := store.CreateKnowledgeRun(ctx, tx, k.WorkspaceID, k.ID, "rechunk", len(ids))
	if err != nil {
		return err
	}
	if err := store.QueueKnowledgeDocuments(ctx, tx, k.WorkspaceID, ids, run); err != nil {
		return err
	}
	tasks := make([]IngestTask, len(ids))
	for i, id := range ids {
		tasks[i] = IngestTask{WorkspaceID: k.WorkspaceID, DocumentID: id, RunID: run, Force: true}
	}
	return q.Ingest(ctx, tx, tasks)
}

// DeleteBase removes a knowledge base with its documents, chunks and vectors.
func (s *Service) DeleteBase(ctx context.Context, actor account.Actor, id int64) error {
	if err := actor.Require(account.RoleEditor); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx pgx.Tx) error {
		k, err := store.KnowledgeBaseByID(ctx, tx, actor.WorkspaceID, id)
		if err != nil {
			return err
		}
		if err := store.DeleteKnowledgeBase(ctx, tx, actor.WorkspaceID, id); err != nil {
			return err
		}
		return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "knowledge_base.delete", k.Name, map[string]any{
			"id": id, "documents": k.DocumentCount})
	})
}

func applyBase(k *store.KnowledgeBase, in BaseInput, v validate.Errors) {
	if in.Name != nil {
		k.Name = strings.TrimSpace(*in.Name)
		v.Length("name", k.Name, 1, 200)
	}
	if in.Description != nil {
		k.Description = strings.TrimSpace(*in.Description)
		v.Length("description", k.Description, 0, 2000)
	}
	if in.ChunkSize != nil {
		k.ChunkSize = *in.ChunkSize
		if k.ChunkSize < MinChunkSize || k.ChunkSize > MaxChunkSize {
			v.Add("chunk_size", "must be from 200 to 8000 characters")
		}
	}
	if in.ChunkOverlap != nil {
		k.ChunkOverlap = *in.ChunkOverlap
	}
	if k.ChunkOverlap < 0 || k.ChunkOverlap*2 > k.ChunkSize {
		v.Add("chunk_overlap", "must be from 0 to half the chunk size")
	}
	if in.Language != nil {
		k.Language = strings.ToLower(strings.TrimSpace(*in.Language))
		v.OneOf("language", k.Language, Languages...)
	}
	if in.Enabled != nil {
		k.Enabled = *in.Enabled
	}
	if in.ResyncIntervalHours != nil {
		k.ResyncIntervalHours = *in.ResyncIntervalHours
		if k.ResyncIntervalHours < 0 || k.ResyncIntervalHours > 8760 {
			v.Add("resync_interval_hours", "must be from 0 (never) to 8760 (a year)")
		}
	}
}

// Relanguage moves a knowledge base's chunks to its current language in
// batches (the work of the relanguage job), passing again while a pass
// changed anything (the language may change again meanwhile).
func (s *Service) Relanguage(ctx context.Context, workspaceID, baseID int64) error {
	for pass := 0; pass < 5; pass++ {
		after, changed := int64(0), 0
		for {
			last, n, err := store.SetChunkLanguage(ctx, s.db.Pool, workspaceID, baseID, after, 500)
			if err != nil {
				return err
			}
			if last == 0 {
				break
			}
			after, changed = last, changed+n
		}
		if changed == 0 {
			return nil
		}
	}
	return nil
}
