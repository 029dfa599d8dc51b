package automation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/intent"
	"github.com/deskmate/deskmate/internal/validate"
	"github.com/deskmate/deskmate/lang"
	"github.com/deskmate/deskmate/llm"
	"github.com/deskmate/deskmate/store"
)

// Training stages and the share of the work done when each starts.
var stageProgress = map[string]float64{
	"queued": 0, "preparing": 0.05, "cross_validating": 0.15, "training": 0.55, "done": 1,
}

const (
	// MaxFolds is the number of cross-validation folds when every automation
	// has enough phrases; fewer phrases mean fewer folds (at least 2).
	MaxFolds = 5
	// ConfusableRate is the share of two automations' held-out phrases
	// mistaken for each other above which they are reported as overlapping.
	ConfusableRate = 0.1
	// NearDuplicateSimilarity is the word overlap (Jaccard) above which two
	// phrases of different automations are reported as near-duplicates.
	NearDuplicateSimilarity = 0.8
	// staleAfter is when a run still marked as training is taken as
	// interrupted (the job's attempts are long over).
	staleAfter = 45 * time.Minute
)

// Ref names an automation.
type Ref struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Quality is what a training run measured on held-out learning phrases.
type Quality struct {
	Folds       int                `json:"folds"`
	Phrases     int                `json:"phrases"`
	Accuracy    float64            `json:"accuracy"`
	PerIntent   []IntentQuality    `json:"per_intent"`
	Confusable  []Confusable       `json:"confusable"`
	Thresholds  intent.Thresholds  `json:"thresholds"`
	Calibration intent.Calibration `json:"calibration"`
	// Embedding is the sentence embedding model the matcher uses besides
	// its lexical features; nil: lexical features only (built-in provider,
	// or no embedding model set).
	Embedding *intent.Embedding `json:"embedding,omitempty"`
	// EmbedMS is how long embedding the phrases took, TrainMS the whole
	// run (embedding included), in milliseconds.
	EmbedMS int64 `json:"embed_ms"`
	TrainMS int64 `json:"train_ms"`
}

// IntentQuality is one automation's held-out precision and recall.
type IntentQuality struct {
	Automation Ref     `json:"automation"`
	Phrases    int     `json:"phrases"`
	Precision  float64 `json:"precision"`
	Recall     float64 `json:"recall"`
}

// Confusable is a pair of automations whose phrases were mistaken for each other.
type Confusable struct {
	A     Ref     `json:"a"`
	B     Ref     `json:"b"`
	Count int     `json:"count"`
	Rate  float64 `json:"rate"` // Count over both automations' held-out phrases
}

// Warning is a problem of the learning phrases worth fixing before relying on
// the model: "confusable" automations, or "near_duplicate" phrases.
type Warning struct {
	Kind        string   `json:"kind"`
	Message     string   `json:"message"`
	Automations []Ref    `json:"automations"`
	Phrases     []string `json:"phrases,omitempty"`
}

// TrainingStatus is what the admin app shows about training.
type TrainingStatus struct {
	Latest *store.IntentModel // nil before the first run
	Active *store.IntentModel // the run whose model answers; nil before the first success
}

// StartTraining queues a training run on the active automations (editors).
// While a run is queued or running, it is returned instead of a new one.
func (s *Service) StartTraining(ctx context.Context, actor account.Actor) (store.IntentModel, bool, error) {
	if err := actor.Require(account.RoleEditor); err != nil {
		return store.IntentModel{}, false, err
	}
	if s.queue == nil {
		return store.IntentModel{}, false, errors.New("training queue not configured")
	}
	var m store.IntentModel
	created := false
	err := s.db.InTx(ctx, func(tx pgx.Tx) error {
		if err := store.LockWorkspace(ctx, tx, actor.WorkspaceID); err != nil {
			return err
		}
		latest, err := store.LatestIntentModel(ctx, tx, actor.WorkspaceID)
		switch {
		case err == nil && latest.Status == "training" && time.Since(latest.CreatedAt) < staleAfter:
			m = latest
			return nil
		case err == nil && latest.Status == "training":
			if err := store.FailIntentModel(ctx, tx, latest.ID, "interrupted: the training job did not finish"); err != nil {
				return err
			}
		case err != nil && !errors.Is(err, store.ErrNotFound):
			return err
		}
		active, err := store.Automations(ctx, tx, actor.WorkspaceID, true)
		if err != nil {
			return err
		}
		if len(active) < 2 {
			return validate.Field("automations", fmt.Sprintf("training needs at least 2 active automations: has %d", len(active)))
		}
		if m, err = store.CreateIntentModel(ctx, tx, actor.WorkspaceID); err != nil {
			return err
		}
		if err := s.queue.TrainIntents(ctx, tx, actor.WorkspaceID, m.ID); err != nil {
			return err
		}
		created = true
		return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "automation.train", "version "+strconv.Itoa(m.Version),
			map[string]any{"automations": len(active)})
	})
	return m, created, err
}

// Training returns the latest run and the active one.
func (s *Service) Training(ctx context.Context, actor account.Actor) (TrainingStatus, error) {
	var st TrainingStatus
	latest, err := store.LatestIntentModel(ctx, s.db.Pool, actor.WorkspaceID)
	if errors.Is(err, store.ErrNotFound) {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	st.Latest = &latest
	if latest.Active {
		st.Active = &latest
		return st, nil
	}
	active, err := store.ActiveIntentModel(ctx, s.db.Pool, actor.WorkspaceID)
	if err == nil {
		st.Active = &active
	} else if !errors.Is(err, store.ErrNotFound) {
		return st, err
	}
	return st, nil
}

// RunTraining trains the model of a queued run and, once it is ready, makes
// it the workspace's active model (the previous one answers until then). A
// problem with the phrases fails the run; other errors are returned to be
// retried, and fail the run on the last attempt.
func (s *Service) RunTraining(ctx context.Context, modelID int64, lastAttempt bool) error {
	m, err := store.IntentModelByID(ctx, s.db.Pool, modelID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && m.Status != "training") {
		return nil // deleted with its workspace, or already finished
	}
	if err != nil {
		return err
	}
	err = s.train(ctx, m)
	var fail *trainingProblem
	switch {
	case err == nil:
		return nil
	case errors.As(err, &fail):
		return store.FailIntentModel(context.WithoutCancel(ctx), s.db.Pool, m.ID, fail.msg)
	case lastAttempt:
		_ = store.FailIntentModel(context.WithoutCancel(ctx), s.db.Pool, m.ID, "training failed: "+err.Error())
	}
	return err
}

// trainingProblem is a failure retrying cannot fix.
type trainingProblem struct{ msg string }

func (e *trainingProblem) Error() string { return e.msg }

func (s *Service) stage(ctx context.Context, id int64, stage string) error {
	return store.SetIntentModelStage(ctx, s.db.Pool, id, stage, stageProgress[stage])
}

func (s *Service) train(ctx context.Context, m store.IntentModel) error {
	start := time.Now()
	if err := s.stage(ctx, m.ID, "preparing"); err != nil {
		return err
	}
	automations, err := store.Automations(ctx, s.db.Pool, m.WorkspaceID, true)
	if err != nil {
		return err
	}
	refs := map[string]Ref{}
	snapshot := map[string][]string{}
	var examples []intent.Example
	minPhrases := MaxPhrases
	for _, a := range automations {
		key := strconv.FormatInt(a.ID, 10)
		refs[key] = Ref{ID: a.ID, Name: a.Name}
		snapshot[key] = a.Phrases
		minPhrases = min(minPhrases, len(a.Phrases))
		for _, p := range a.Phrases {
			examples = append(examples, intent.Example{Text: p, Intent: key})
		}
	}
	if err := store.SetIntentModelPhrases(ctx, s.db.Pool, m.ID, snapshot, len(examples)); err != nil {
		return err
	}
	if len(automations) < 2 {
		return &trainingProblem{fmt.Sprintf("training needs at least 2 active automations: has %d", len(automations))}
	}
	opts := intent.Options{Folds: max(2, min(MaxFolds, minPhrases))}
	embedTook, err := s.embedPhrases(ctx, m.WorkspaceID, examples, &opts)
	if err != nil {
		return err
	}

	if err := s.stage(ctx, m.ID, "cross_validating"); err != nil {
		return err
	}
	cv, err := intent.CrossValidate(ctx, examples, opts, opts.Folds)
	if err != nil {
		return trainError(ctx, err)
	}
	if err := s.stage(ctx, m.ID, "training"); err != nil {
		return err
	}
	model, err := intent.Train(ctx, examples, opts)
	if err != nil {
		return trainError(ctx, err)
	}
	bin, err := model.MarshalBinary()
	if err != nil {
		return err
	}
	q := qualityOf(cv, refs)
	q.Thresholds, q.Calibration = model.Thresholds(), model.Calibration()
	if e, ok := model.Embedding(); ok {
		q.Embedding = &e
	}
	q.EmbedMS, q.TrainMS = embedTook.Milliseconds(), time.Since(start).Milliseconds()
	warnings := confusableWarnings(q.Confusable)
	warnings = append(warnings, nearDuplicates(automations)...)
	if m.Quality, err = json.Marshal(q); err != nil {
		return err
	}
	if m.Warnings, err = json.Marshal(warnings); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx pgx.Tx) error { return store.ActivateIntentModel(ctx, tx, m, bin) })
}

// embedPhrases sets opts.Embedder to the workspace's embedding model, if its
// model settings name one, and embeds the learning phrases with it at once,
// so that a provider problem shows before any training and cross-validation
// and training share the vectors. It returns how long embedding took.
func (s *Service) embedPhrases(ctx context.Context, workspaceID int64, examples []intent.Example, opts *intent.Options) (time.Duration, error) {
	emb, err := s.embedder(ctx, workspaceID)
	if err != nil || emb == nil {
		return 0, err
	}
	cache := intent.NewCachedEmbedder(emb)
	opts.Embedder = cache
	texts := make([]string, len(examples))
	for i, e := range examples {
		texts[i] = e.Text
	}
	start := time.Now()
	if _, err := cache.Embed(ctx, texts); err != nil {
		return 0, fmt.Errorf("embed the learning phrases with %s: %w", emb.Model(), err)
	}
	return time.Since(start), nil
}

// embedder returns the embedding model the workspace's model settings ask
// for; nil for lexical features only: the built-in provider, no embedding
// model set, or a service without Embedders.
func (s *Service) embedder(ctx context.Context, workspaceID int64) (llm.Embedder, error) {
	if s.embedders == nil {
		return nil, nil
	}
	emb, spec, err := s.embedders.Embedder(ctx, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("embedding model: %w", err)
	}
	if spec.Provider == "" || spec.Provider == "builtin" {
		return nil, nil
	}
	return emb, nil
}

// trainError sorts a training error: the embedder failing is retried (the
// provider may be back), any other problem of the phrases fails the run.
func trainError(ctx context.Context, err error) error {
	var ee *intent.EmbedError
	if ctx.Err() != nil || errors.As(err, &ee) {
		return err
	}
	return &trainingProblem{err.Error()}
}

func qualityOf(cv intent.Quality, refs map[string]Ref) Quality {
	q := Quality{Folds: cv.Folds, Phrases: cv.Examples, Accuracy: cv.Accuracy, PerIntent: []IntentQuality{}, Confusable: []Confusable{}}
	held := map[string]int{}
	for _, iq := range cv.PerIntent {
		held[iq.Intent] = iq.HeldOut
		q.PerIntent = append(q.PerIntent, IntentQuality{Automation: refs[iq.Intent], Phrases: iq.Phrases,
			Precision: iq.Precision, Recall: iq.Recall})
	}
	sort.Slice(q.PerIntent, func(i, j int) bool { return q.PerIntent[i].Automation.Name < q.PerIntent[j].Automation.Name })
	for _, c := range cv.Confusions {
		n := held[c.A] + held[c.B]
		rate := 0.0
		if n > 0 {
			rate = float64(c.Count) / float64(n)
		}
		q.Confusable = append(q.Confusable, Confusable{A: refs[c.A], B: refs[c.B], Count: c.Count, Rate: rate})
	}
	return q
}

func confusableWarnings(cs []Confusable) []Warning {
	out := []Warning{}
	for _, c := range cs {
		if c.Rate < ConfusableRate {
			continue
		}
		out = append(out, Warning{Kind: "confusable", Automations: []Ref{c.A, c.B}, Message: fmt.Sprintf(
			"%q and %q overlap: %d of their held-out phrases were matched to the other. Make their phrases more distinct, or merge them",
			c.A.Name, c.B.Name, c.Count)})
	}
	return out
}

// nearDuplicates reports pairs of automations that share (almost) the same
// phrase, one warning per pair with the first such phrases.
func nearDuplicates(automations []store.Automation) []Warning {
	type phrase struct {
		owner int
		text  string
		words map[string]bool
	}
	var all []phrase
	for i, a := range automations {
		for _, p := range a.Phrases {
			all = append(all, phrase{owner: i, text: p, words: wordSet(p)})
		}
	}
	const maxCompared = 5000 // keeps the pairwise comparison to a few seconds at most
	if len(all) > maxCompared {
		all = all[:maxCompared]
	}
	type pair struct{ a, b int }
	found := map[pair][]string{}
	var order []pair
	for i := range all {
		for j := i + 1; j < len(all); j++ {
			x, y := all[i], all[j]
			if x.owner == y.owner || lang.Jaccard(x.words, y.words) < NearDuplicateSimilarity {
				continue
			}
			k := pair{x.owner, y.owner}
			if _, ok := found[k]; !ok {
				order = append(order, k)
				found[k] = []string{x.text, y.text}
			}
		}
	}
	out := []Warning{}
	for _, k := range order {
		a, b := automations[k.a], automations[k.b]
		out = append(out, Warning{Kind: "near_duplicate", Phrases: found[k],
			Automations: []Ref{{ID: a.ID, Name: a.Name}, {ID: b.ID, Name: b.Name}},
			Message: fmt.Sprintf("%q and %q have nearly the same phrase (%q, %q): keep it in one of them",
				a.Name, b.Name, found[k][0], found[k][1])})
		if len(out) >= 20 {
			break
		}
	}
	return out
}

func wordSet(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) }) {
		out[w] = true
	}
	return out
}
