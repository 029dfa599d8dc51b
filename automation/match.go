package automation

import (
	"context"
	"errors"
	"strconv"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/intent"
	"github.com/deskmate/deskmate/store"
)

// Match is what the matcher decided for one customer message.
type Match struct {
	// Automation is the matched automation; nil on no_match (also when the
	// best one was deleted or deactivated since training).
	Automation         *store.Automation
	Confidence         float64
	RunnerUp           *Ref
	RunnerUpConfidence float64
	Decision           intent.Decision
	// Response is the automation's rendered answer; nil on no_match or
	// when the automation has no response.
	Response     *string
	ModelVersion int
}

// Match finds the automation that answers a customer message with the
// workspace's active model; vars fill the response template. ErrNoModel
// before the first successful training.
func (s *Service) Match(ctx context.Context, actor account.Actor, message string, vars map[string]string) (Match, error) {
	lm, err := s.model(ctx, actor.WorkspaceID)
	if err != nil {
		return Match{}, err
	}
	pred := lm.model.Predict(message)
	out := Match{Confidence: pred.Confidence, RunnerUpConfidence: pred.RunnerUpConfidence, Decision: pred.Decision,
		ModelVersion: lm.version}
	best, err := s.liveAutomation(ctx, actor.WorkspaceID, pred.Intent)
	if err != nil {
		return Match{}, err
	}
	if best == nil {
		out.Decision = intent.NoMatch
	}
	if out.Decision != intent.NoMatch {
		out.Automation = best
	}
	if pred.RunnerUp != "" {
		ru, err := s.liveAutomation(ctx, actor.WorkspaceID, pred.RunnerUp)
		if err != nil {
			return Match{}, err
		}
		if ru != nil {
			out.RunnerUp = &Ref{ID: ru.ID, Name: ru.Name}
		}
	}
	if out.Automation != nil && best.Response != "" {
		r := Render(best.Response, vars)
		out.Response = &r
	}
	return out, nil
}

// liveAutomation returns the active automation an intent name stands for, or nil.
func (s *Service) liveAutomation(ctx context.Context, workspaceID int64, name string) (*store.Automation, error) {
	id, err := strconv.ParseInt(name, 10, 64)
	if err != nil {
		return nil, nil
	}
	a, err := store.AutomationByID(ctx, s.db.Pool, workspaceID, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !a.Active) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// model returns the workspace's active model, loading it when the active
// model changed since it was cached.
func (s *Service) model(ctx context.Context, workspaceID int64) (loadedModel, error) {
	id, version, err := store.ActiveIntentModelRef(ctx, s.db.Pool, workspaceID)
	if errors.Is(err, store.ErrNotFound) {
		return loadedModel{}, ErrNoModel
	}
	if err != nil {
		return loadedModel{}, err
	}
	s.mu.Lock()
	lm, ok := s.models[workspaceID]
	s.mu.Unlock()
	if ok && lm.id == id {
		return lm, nil
	}
	b, err := store.IntentModelBytes(ctx, s.db.Pool, id)
	if err != nil {
		return loadedModel{}, err
	}
	m, err := intent.UnmarshalModel(b)
	if err != nil {
		return loadedModel{}, err
	}
	lm = loadedModel{id: id, version: version, model: m}
	s.mu.Lock()
	if s.models == nil {
		s.models = map[int64]loadedModel{}
	}
	s.models[workspaceID] = lm
	s.mu.Unlock()
	return lm, nil
}
