package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/deskmate/deskmate/automation"
	"github.com/deskmate/deskmate/intent"
	"github.com/deskmate/deskmate/internal/validate"
	"github.com/deskmate/deskmate/store"
)

// automationJSON is an automation as exported (automation.Portable) with
// its actor.WorkspaceID and times.
type automationJSON struct {
	ID int64 `json:"id"`
	automation.Portable
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func toAutomationJSON(a store.Automation) automationJSON {
	return automationJSON{ID: a.ID, Portable: automation.ToPortable(a), CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
}

// automationError turns the service's state errors into 409s.
func automationError(err error) error {
	var ee *intent.EmbedError
	switch {
	case errors.Is(err, automation.ErrNoModel) || errors.Is(err, automation.ErrTrainingBusy):
		return &APIError{Status: fiber.StatusConflict, Code: "conflict", Message: err.Error()}
	case errors.Is(err, intent.ErrEmbeddingChanged):
		return &APIError{Status: fiber.StatusConflict, Code: "train_again", Message: err.Error()}
	case errors.As(err, &ee):
		return &APIError{Status: fiber.StatusBadGateway, Code: "embedding_failed", Message: err.Error()}
	}
	return err
}

func (s *Server) listAutomations(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	list, err := s.deps.Automations.Automations(c.UserContext(), actor)
	if err != nil {
		return err
	}
	out := make([]automationJSON, len(list))
	for i, a := range list {
		out[i] = toAutomationJSON(a)
	}
	return c.JSON(out)
}

func (s *Server) getAutomation(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	aid, err := idParam(c, "automation_id")
	if err != nil {
		return err
	}
	a, err := s.deps.Automations.Automation(c.UserContext(), actor, aid)
	if err != nil {
		return err
	}
	return c.JSON(toAutomationJSON(a))
}

func (s *Server) createAutomation(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	var in automation.Input
	if err := decode(c, &in); err != nil {
		return err
	}
	a, err := s.deps.Automations.CreateAutomation(c.UserContext(), actor, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toAutomationJSON(a))
}

func (s *Server) patchAutomation(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	aid, err := idParam(c, "automation_id")
	if err != nil {
		return err
	}
	var in automation.Input
	if err := decode(c, &in); err != nil {
		return err
	}
	a, err := s.deps.Automations.UpdateAutomation(c.UserContext(), actor, aid, in)
	if err != nil {
		return err
	}
	return c.JSON(toAutomationJSON(a))
}

func (s *Server) deleteAutomation(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	aid, err := idParam(c, "automation_id")
	if err != nil {
		return err
	}
	if err := s.deps.Automations.DeleteAutomation(c.UserContext(), actor, aid); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) exportAutomations(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	format := c.Query("format", "json")
	if format != "json" && format != "csv" {
		return validate.Field("format", "must be json or csv")
	}
	list, err := s.deps.Automations.Automations(c.UserContext(), actor)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="automations.`+format+`"`)
	if format == "csv" {
		var buf bytes.Buffer
		if err := automation.ExportCSV(&buf, list); err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
		return c.Send(buf.Bytes())
	}
	out := struct {
		Automations []automation.Portable `json:"automations"`
	}{Automations: make([]automation.Portable, len(list))}
	for i, a := range list {
		out.Automations[i] = automation.ToPortable(a)
	}
	return c.JSON(out)
}

func (s *Server) importAutomations(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	var items []automation.ImportItem
	format := "json"
	if strings.HasPrefix(strings.ToLower(c.Get(fiber.HeaderContentType)), "text/csv") {
		format = "csv"
		if items, err = automation.ParseCSV(c.Body()); err != nil {
			return err
		}
	} else {
		var req struct {
			Automations []automation.Input `json:"automations"`
		}
		if err := decode(c, &req); err != nil {
			var apiErr *APIError
			if errors.As(err, &apiErr) && apiErr.Status == fiber.StatusUnsupportedMediaType {
				apiErr.Message = "send a JSON export (Content-Type: application/json) or a CSV file (Content-Type: text/csv)"
			}
			return err
		}
		items = automation.JSONItems(req.Automations)
	}
	res, err := s.deps.Automations.Import(c.UserContext(), actor, format, items)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

type trainingRunJSON struct {
	ID               int64           `json:"id"`
	Version          int             `json:"version"`
	Status           string          `json:"status"`
	Stage            string          `json:"stage"`
	Progress         float64         `json:"progress"`
	Error            string          `json:"error"`
	PhrasesCount     int             `json:"phrases_count"`
	AutomationsCount int             `json:"automations_count"`
	Quality          json.RawMessage `json:"quality"`
	Warnings         json.RawMessage `json:"warnings"`
	Active           bool            `json:"active"`
	CreatedAt        time.Time       `json:"created_at"`
	FinishedAt       *time.Time      `json:"finished_at"`
}

func toTrainingRunJSON(m *store.IntentModel) *trainingRunJSON {
	if m == nil {
		return nil
	}
	q := m.Quality
	if len(q) == 0 {
		q = json.RawMessage("null")
	}
	w := m.Warnings
	if len(w) == 0 {
		w = json.RawMessage("[]")
	}
	return &trainingRunJSON{ID: m.ID, Version: m.Version, Status: m.Status, Stage: m.Stage, Progress: m.Progress,
		Error: m.Error, PhrasesCount: m.PhrasesCount, AutomationsCount: len(m.Phrases), Quality: q, Warnings: w,
		Active: m.Active, CreatedAt: m.CreatedAt, FinishedAt: m.FinishedAt}
}

func (s *Server) trainAutomations(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	m, created, err := s.deps.Automations.StartTraining(c.UserContext(), actor)
	if err != nil {
		return automationError(err)
	}
	status := fiber.StatusOK
	if created {
		status = fiber.StatusAccepted
	}
	return c.Status(status).JSON(toTrainingRunJSON(&m))
}

func (s *Server) getTraining(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	st, err := s.deps.Automations.Training(c.UserContext(), actor)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"latest": toTrainingRunJSON(st.Latest), "active": toTrainingRunJSON(st.Active)})
}

type refJSON struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type matchJSON struct {
	Intent             *refJSON `json:"intent"`
	Confidence         float64  `json:"confidence"`
	RunnerUp           *refJSON `json:"runner_up"`
	RunnerUpConfidence float64  `json:"runner_up_confidence"`
	Decision           string   `json:"decision"`
	Response           *string  `json:"response"`
	ModelVersion       int      `json:"model_version"`
}

func (s *Server) testAutomations(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	var req struct {
		Message   string            `json:"message"`
		Variables map[string]string `json:"variables"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	v := validate.Errors{}
	v.Length("message", strings.TrimSpace(req.Message), 1, 10000)
	if len(req.Variables) > 50 {
		v.Add("variables", "at most 50")
	}
	for k, val := range req.Variables {
		if len(k) > 100 || len(val) > 1000 {
			v.Add("variables", "names are at most 100 characters and values at most 1000")
			break
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	m, err := s.deps.Automations.Match(c.UserContext(), actor, req.Message, req.Variables)
	if err != nil {
		return automationError(err)
	}
	out := matchJSON{Confidence: m.Confidence, RunnerUpConfidence: m.RunnerUpConfidence, Decision: string(m.Decision),
		Response: m.Response, ModelVersion: m.ModelVersion}
	if m.Automation != nil {
		out.Intent = &refJSON{ID: m.Automation.ID, Name: m.Automation.Name}
	}
	if m.RunnerUp != nil {
		out.RunnerUp = &refJSON{ID: m.RunnerUp.ID, Name: m.RunnerUp.Name}
	}
	return c.JSON(out)
}
