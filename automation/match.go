package automation

import (
	"context"
	"errors"
	"fmt"
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
//
// A model trained with sentence vectors embeds the message with the
// workspace's embedding model. When that model is no longer the one the
// matcher was trained with (the model settings changed), Match returns an
// error matching intent.ErrEmbeddingChanged rather than compare vectors of
// two models or fall back to lexical features the thresholds were not chosen
// for: until "Train AI" runs again, no automation answers. An embedder that
// fails gives an *intent.EmbedError. A model trained without sentence
// vectors keeps matching on its lexical features whatever the settings say.
func (s *Service) Match(ctx context.Context, actor account.Actor, message string, vars map[string]string) (Match, error) {
	lm, err := s.model(ctx, actor.WorkspaceID)
	if err != nil {
		return Match{}, err
	}
	pred, err := s.predict(ctx, actor.WorkspaceID, lm.model, message)
	if err != nil {
		return Match{}, err
	}
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

// predict matches message with m, embedding it with the workspace's
// embedding model when m was trained with sentence vectors.
func (s *Service) predict(ctx context.Context, workspaceID int64, m *intent.Model, message string) (intent.Prediction, error) {
	if _, ok := m.Embedding(); !ok {
		return m.Predict(message), nil
	}
	emb, err := s.embedder(ctx, workspaceID)
	if err != nil {
		return intent.Prediction{}, err
	}
	pred, err := m.Match(ctx, message, emb)
	if errors.Is(err, intent.ErrEmbeddingChanged) {
		return intent.Prediction{}, fmt.Errorf("%w: train AI again", err)
	}
	return pred, err
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
