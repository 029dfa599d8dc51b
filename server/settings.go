package server

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/deskmate/deskmate/account"

	"github.com/deskmate/deskmate/workspace"
)

type gorgiasJSON struct {
	Domain     string `json:"domain"`
	APIUser    string `json:"api_user"`
	APIKeySet  bool   `json:"api_key_set"`
	APIKeyHint string `json:"api_key_hint"`
}

func toGorgiasJSON(g workspace.Gorgias) gorgiasJSON {
	return gorgiasJSON{Domain: g.Domain, APIUser: g.APIUser, APIKeySet: g.APIKeySet, APIKeyHint: g.APIKeyHint}
}

func (s *Server) getGorgias(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	g, err := s.deps.Workspaces.Gorgias(c.UserContext(), actor.WorkspaceID)
	if err != nil {
		return err
	}
	return c.JSON(toGorgiasJSON(g))
}

func (s *Server) putGorgias(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	var req struct {
		Domain  string  `json:"domain"`
		APIUser string  `json:"api_user"`
		APIKey  *string `json:"api_key"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	g, err := s.deps.Workspaces.PutGorgias(c.UserContext(), actor,
		workspace.GorgiasInput{Domain: req.Domain, APIUser: req.APIUser, APIKey: req.APIKey})
	if err != nil {
		return err
	}
	return c.JSON(toGorgiasJSON(g))
}

type modelJSON struct {
	Provider       string `json:"provider"`
	BaseURL        string `json:"base_url"`
	ChatModel      string `json:"chat_model"`
	EmbeddingModel string `json:"embedding_model"`
	APIKeySet      bool   `json:"api_key_set"`
	APIKeyHint     string `json:"api_key_hint"`
}

func toModelJSON(m workspace.ModelSettings) modelJSON {
	return modelJSON{Provider: m.Provider, BaseURL: m.BaseURL, ChatModel: m.ChatModel, EmbeddingModel: m.EmbeddingModel,
		APIKeySet: m.APIKeySet, APIKeyHint: m.APIKeyHint}
}

func (s *Server) getModelSettings(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	m, err := s.deps.Workspaces.ModelSettings(c.UserContext(), actor.WorkspaceID)
	if err != nil {
		return err
	}
	return c.JSON(toModelJSON(m))
}

func (s *Server) putModelSettings(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	var req struct {
		Provider       string  `json:"provider"`
		BaseURL        string  `json:"base_url"`
		ChatModel      string  `json:"chat_model"`
		EmbeddingModel string  `json:"embedding_model"`
		APIKey         *string `json:"api_key"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	m, err := s.deps.Workspaces.PutModelSettings(c.UserContext(), actor, workspace.ModelInput{
		ModelSettings: workspace.ModelSettings{Provider: req.Provider, BaseURL: req.BaseURL, ChatModel: req.ChatModel,
			EmbeddingModel: req.EmbeddingModel},
		APIKey: req.APIKey})
	if err != nil {
		return err
	}
	if s.deps.Knowledge != nil {
		// A new embedding provider or model re-embeds the knowledge in the
		// background; the periodic re-sync job retries if this fails.
		if err := s.deps.Knowledge.EmbeddingSettingsChanged(c.UserContext(), actor.WorkspaceID); err != nil {
			s.deps.Logger.Warn("cannot start re-embedding knowledge", "workspace_id", actor.WorkspaceID, "error", err)
		}
	}
	return c.JSON(toModelJSON(m))
}

// checkModelSettings tries the saved embedding settings with one short text.
// A provider that fails is not an error of this request: the answer says
// what failed, with 200, so the app can show it beside the settings.
func (s *Server) checkModelSettings(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), 30*time.Second)
	defer cancel()
	check, err := s.deps.Knowledge.CheckEmbedder(ctx, actor)
	out := fiber.Map{"ok": err == nil, "embedding_model": check.Model, "dimensions": check.Dimensions,
		"took_ms": float64(check.Took.Microseconds()) / 1000}
	if err != nil {
		if c.UserContext().Err() != nil || errors.Is(err, account.ErrForbidden) {
			return err
		}
		out["error"] = err.Error()
	}
	return c.JSON(out)
}

type auditEntryJSON struct {
	ID      int64          `json:"id"`
	At      time.Time      `json:"at"`
	Actor   auditActorJSON `json:"actor"`
	Action  string         `json:"action"`
	Target  string         `json:"target"`
	Summary map[string]any `json:"summary"`
}

type auditActorJSON struct {
	Kind  string `json:"kind"`
	ID    int64  `json:"id"`
	Label string `json:"label"`
}

func (s *Server) auditLog(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	before, _ := strconv.ParseInt(c.Query("before"), 10, 64)
	limit, _ := strconv.Atoi(c.Query("limit", "50"))
	limit = min(max(limit, 1), 200)
	entries, err := s.deps.Workspaces.AuditLog(c.UserContext(), actor, max(before, 0), limit)
	if err != nil {
		return err
	}
	out := make([]auditEntryJSON, 0, len(entries))
	for _, e := range entries {
		out = append(out, auditEntryJSON{ID: e.ID, At: e.At, Action: e.Action, Target: e.Target, Summary: e.Summary,
			Actor: auditActorJSON{Kind: e.Actor.Kind, ID: e.Actor.ID, Label: e.Actor.Label}})
	}
	var next *int64
	if len(entries) == limit {
		next = &entries[len(entries)-1].ID
	}
	return c.JSON(fiber.Map{"entries": out, "next_before": next})
}
