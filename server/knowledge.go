package server

import (
	"errors"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/knowledge"
	"github.com/deskmate/deskmate/store"
)

// knowledgeErr gives knowledge state conflicts their status.
func knowledgeErr(err error) error {
	var ce *knowledge.ConflictError
	if errors.As(err, &ce) {
		return &APIError{Status: fiber.StatusConflict, Code: "conflict", Message: ce.Msg}
	}
	return err
}

// knowledgeRequest is what a knowledge endpoint acts on: the caller, the
// knowledge base named by the path and, for document endpoints, the document.
type knowledgeRequest struct {
	kn    *knowledge.Service
	actor account.Actor
	kb    int64
	id    int64
}

// baseAccess reads the caller and the knowledge base's path id.
func (s *Server) baseAccess(c *fiber.Ctx) (knowledgeRequest, error) {
	r := knowledgeRequest{kn: s.deps.Knowledge}
	var err error
	if r.actor, err = actorOf(c); err != nil {
		return r, err
	}
	r.kb, err = idParam(c, "base_id")
	return r, err
}

// documentAccess is baseAccess plus the document's path id.
func (s *Server) documentAccess(c *fiber.Ctx) (knowledgeRequest, error) {
	r, err := s.baseAccess(c)
	if err != nil {
		return r, err
	}
	r.id, err = idParam(c, "document_id")
	return r, err
}

type knowledgeBaseJSON struct {
	ID                  int64     `json:"id"`
	Name                string    `json:"name"`
	Description         string    `json:"description"`
	ChunkSize           int       `json:"chunk_size"`
	ChunkOverlap        int       `json:"chunk_overlap"`
	Language            string    `json:"language"`
	Enabled             bool      `json:"enabled"`
	ResyncIntervalHours int       `json:"resync_interval_hours"`
	DocumentCount       int       `json:"document_count"`
	ChunkCount          int       `json:"chunk_count"`
	CreatedAt           time.Time `json:"created_at"`
	UpdatedAt           time.Time `json:"updated_at"`
}

func toKnowledgeBaseJSON(k store.KnowledgeBase) knowledgeBaseJSON {
	return knowledgeBaseJSON{ID: k.ID, Name: k.Name, Description: k.Description, ChunkSize: k.ChunkSize,
		ChunkOverlap: k.ChunkOverlap, Language: k.Language, Enabled: k.Enabled, ResyncIntervalHours: k.ResyncIntervalHours,
		DocumentCount: k.DocumentCount, ChunkCount: k.ChunkCount, CreatedAt: k.CreatedAt, UpdatedAt: k.UpdatedAt}
}

type knowledgeBaseReq struct {
	Name                *string `json:"name"`
	Description         *string `json:"description"`
	ChunkSize           *int    `json:"chunk_size"`
	ChunkOverlap        *int    `json:"chunk_overlap"`
	Language            *string `json:"language"`
	Enabled             *bool   `json:"enabled"`
	ResyncIntervalHours *int    `json:"resync_interval_hours"`
}

func (r knowledgeBaseReq) input() knowledge.BaseInput {
	return knowledge.BaseInput{Name: r.Name, Description: r.Description, ChunkSize: r.ChunkSize, ChunkOverlap: r.ChunkOverlap,
		Language: r.Language, Enabled: r.Enabled, ResyncIntervalHours: r.ResyncIntervalHours}
}

func (s *Server) listKnowledgeBases(c *fiber.Ctx) error {
	kn := s.deps.Knowledge
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	list, err := kn.Bases(c.UserContext(), actor)
	if err != nil {
		return err
	}
	out := make([]knowledgeBaseJSON, len(list))
	for i, k := range list {
		out[i] = toKnowledgeBaseJSON(k)
	}
	return c.JSON(out)
}

func (s *Server) createKnowledgeBase(c *fiber.Ctx) error {
	kn := s.deps.Knowledge
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	var req knowledgeBaseReq
	if err := decode(c, &req); err != nil {
		return err
	}
	k, err := kn.CreateBase(c.UserContext(), actor, req.input())
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toKnowledgeBaseJSON(k))
}

func (s *Server) getKnowledgeBase(c *fiber.Ctx) error {
	r, err := s.baseAccess(c)
	if err != nil {
		return err
	}
	k, err := r.kn.Base(c.UserContext(), r.actor, r.kb)
	if err != nil {
		return err
	}
	return c.JSON(toKnowledgeBaseJSON(k))
}

func (s *Server) patchKnowledgeBase(c *fiber.Ctx) error {
	r, err := s.baseAccess(c)
	if err != nil {
		return err
	}
	var req knowledgeBaseReq
	if err := decode(c, &req); err != nil {
		return err
	}
	k, err := r.kn.UpdateBase(c.UserContext(), r.actor, r.kb, req.input())
	if err != nil {
		return err
	}
	return c.JSON(toKnowledgeBaseJSON(k))
}

func (s *Server) deleteKnowledgeBase(c *fiber.Ctx) error {
	r, err := s.baseAccess(c)
	if err != nil {
		return err
	}
	if err := r.kn.DeleteBase(c.UserContext(), r.actor, r.kb); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

type countsJSON struct {
	Done   int `json:"done"`
	Total  int `json:"total"`
	Failed int `json:"failed"`
}

type chunkCountsJSON struct {
	Done  int `json:"done"`
	Total int `json:"total"`
}

type runJSON struct {
	ID         int64           `json:"id"`
	Kind       string          `json:"kind"`
	Documents  countsJSON      `json:"documents"`
	Chunks     chunkCountsJSON `json:"chunks"`
	Running    bool            `json:"running"`
	CreatedAt  time.Time       `json:"created_at"`
	FinishedAt *time.Time      `json:"finished_at"`
}

func toRunJSON(r store.KnowledgeRun) runJSON {
	return runJSON{ID: r.ID, Kind: r.Kind, Running: r.FinishedAt == nil, CreatedAt: r.CreatedAt, FinishedAt: r.FinishedAt,
		Documents: countsJSON{Done: r.DocumentsDone, Total: r.DocumentsTotal, Failed: r.DocumentsFailed},
		Chunks:    chunkCountsJSON{Done: r.ChunksDone, Total: r.ChunksTotal}}
}

func (s *Server) knowledgeProgress(c *fiber.Ctx) error {
	r, err := s.baseAccess(c)
	if err != nil {
		return err
	}
	p, err := r.kn.Progress(c.UserContext(), r.actor, r.kb)
	if err != nil {
		return err
	}
	var run *runJSON
	if p.Run != nil {
		r := toRunJSON(*p.Run)
		run = &r
	}
	return c.JSON(fiber.Map{
		"documents": countsJSON{Done: p.DocumentsDone, Total: p.DocumentsTotal, Failed: p.DocumentsFailed},
		"chunks":    chunkCountsJSON{Done: p.ChunksDone, Total: p.ChunksTotal},
		"running":   p.Running,
		"run":       run,
	})
}

func (s *Server) knowledgeRuns(c *fiber.Ctx) error {
	r, err := s.baseAccess(c)
	if err != nil {
		return err
	}
	limit, _ := strconv.Atoi(c.Query("limit", "20"))
	runs, err := r.kn.Runs(c.UserContext(), r.actor, r.kb, min(max(limit, 1), 100))
	if err != nil {
		return err
	}
	out := make([]runJSON, len(runs))
	for i, r := range runs {
		out[i] = toRunJSON(r)
	}
	return c.JSON(out)
}
