// Package intent matches a customer message to one of the recurring
// requests ("intents") a support manager taught Deskmate, each with a few
// learning phrases and a ready answer, or says that none matches.
//
// The matcher needs no pretrained model: messages become TF-IDF weighted
// lexical features (stemmed words, word pairs, character n-grams and word
// prefixes, the IDF learned from the learning phrases), and a regularised
// multinomial logistic regression is fit on them. Its scores are turned into
// calibrated probabilities by a temperature fit on held-out phrases, and two
// thresholds, also chosen on held-out phrases, decide between answering
// automatically, suggesting the match to an agent, and no match.
//
// With an Embedder (a real sentence embedding model, such as one served by
// Ollama), each message's sentence vector is appended to its lexical
// features, and messages are then matched with the same embedding model.
package intent

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// Example is one learning phrase of an intent. In Options.Validation an
// empty Intent marks a message that matches no intent.
type Example struct {
	Text   string
	Intent string
}

// Options tunes training (zero values = good defaults).
type Options struct {
	// Lambda is the L2 penalty of the logistic regression (default 1e-4).
	Lambda float64
	// Iterations of accelerated gradient descent (default 60).
	Iterations int
	// Folds for the cross-validation that calibrates confidence and chooses
	// thresholds when no Validation set is given (default 5).
	Folds int
	// TargetPrecision is the share of automatic answers that must be right
	// on held-out messages; it sets Thresholds.AutoAnswer (default 0.9).
	TargetPrecision float64
	// OutOfScopeShare is the assumed share of incoming messages that match
	// no intent, used when held-out data has none of its own: cross-validation
	// then also holds out whole intents, whose phrases stand in for messages
	// that match nothing (default 0.2).
	OutOfScopeShare float64
	// Validation, if set, holds labelled messages (Intent "" for no match)
	// on which confidence is calibrated and thresholds are chosen instead
	// of cross-validation.
	Validation []Example
	// Embedder, if set, adds sentence vectors to the lexical features:
	// every learning phrase, validation message and built-in off-topic
	// message is embedded with it (wrap it in a CachedEmbedder to share
	// vectors between CrossValidate and Train), and the model then needs
	// the same embedding model to match (Match).
	Embedder Embedder
	// DenseWeight is the share of the similarity of two messages that comes
	// from their sentence vectors, from 0 to 1 exclusive (default
	// DefaultDenseWeight). Used only with Embedder.
	DenseWeight float64
}

func (o Options) withDefaults() Options {
	if o.Lambda <= 0 {
		o.Lambda = 1e-4
	}
	if o.Iterations <= 0 {
		o.Iterations = 60
	}
	if o.Folds <= 0 {
		o.Folds = 5
	}
	if o.Folds < 2 {
		o.Folds = 2
	}
	if o.TargetPrecision <= 0 || o.TargetPrecision > 1 {
		o.TargetPrecision = 0.9
	}
	if o.OutOfScopeShare <= 0 || o.OutOfScopeShare >= 1 {
		o.OutOfScopeShare = 0.2
	}
	if o.DenseWeight <= 0 || o.DenseWeight >= 1 {
		o.DenseWeight = DefaultDenseWeight
	}
	return o
}

// Decision says what Deskmate does with a message.
type Decision string

const (
	// AutoAnswer: confident enough to send the intent's answer.
	AutoAnswer Decision = "auto_answer"
	// Suggest: likely the intent; show it to an agent.
	Suggest Decision = "suggest"
	// NoMatch: no intent matches; fall back to knowledge or a human.
	NoMatch Decision = "no_match"
)

// Thresholds turn a prediction into a Decision: confidence at or above
// AutoAnswer with a margin at or above MinMargin → auto_answer; confidence
// above Suggest → suggest; else no_match.
type Thresholds struct {
	AutoAnswer float64 `json:"auto_answer"`
	Suggest    float64 `json:"suggest"`
	MinMargin  float64 `json:"min_margin"`
	// MinSupport: a message that comes less close than this to every
	// learning phrase is no_match whatever the classifier prefers (the
	// softmax only says which intent is likelier, not whether any applies).
	MinSupport float64 `json:"min_support"`
}

func (t Thresholds) decide(conf, margin, support float64) Decision {
	switch {
	case support < t.MinSupport:
		return NoMatch
	case conf >= t.AutoAnswer && margin >= t.MinMargin:
		return AutoAnswer
	case conf > t.Suggest:
		return Suggest
	default:
		return NoMatch
	}
}

// Prediction for one message.
type Prediction struct {
	Intent             string   `json:"intent"`     // best intent, even when Decision is no_match
	Confidence         float64  `json:"confidence"` // its calibrated probability
	RunnerUp           string   `json:"runner_up"`
	RunnerUpConfidence float64  `json:"runner_up_confidence"`
	Margin             float64  `json:"margin"`  // Confidence − RunnerUpConfidence
	Support            float64  `json:"support"` // closeness to the nearest learning phrase, 0–1
	Decision           Decision `json:"decision"`
}

// Model is a trained matcher; immutable, safe for concurrent use;
// serialisable with MarshalBinary.
type Model struct {
	intents     []string
	voc         *vocabulary
	phrases     []sparse      // the learning phrases' lexical feature vectors
	dense       [][]float32   // their centred unit sentence vectors; nil: lexical features only
	center      []float32     // the mean the sentence vectors are centred on
	embedding   Embedding     // the model dense comes from
	labels      []int32       // intent of each phrase
	alpha       []float32     // dual weights, one row of len(intents) per phrase
	inv         invertedIndex // derived from phrases
	temperature float64
	thresholds  Thresholds
	calibration Calibration
}

// Calibration tells how the model's thresholds were chosen, and what they
// achieved on the held-out messages they were chosen on.
type Calibration struct {
	Source          string  `json:"source"` // "cross-validation" or "validation"
	Temperature     float64 `json:"temperature"`
	HeldOut         int     `json:"held_out"`          // held-out messages
	HeldOutNoMatch  int     `json:"held_out_no_match"` // of which match no intent
	Coverage        float64 `json:"coverage"`          // share answered automatically
	Precision       float64 `json:"precision"`         // share of those answers right
	TargetPrecision float64 `json:"target_precision"`
}

// Intents lists the model's intents, sorted.
func (m *Model) Intents() []string { return append([]string(nil), m.intents...) }

// Thresholds returns the model's decision thresholds.
func (m *Model) Thresholds() Thresholds { return m.thresholds }

// Calibration tells how the thresholds were chosen.
func (m *Model) Calibration() Calibration { return m.calibration }

// WithThresholds returns a copy of the model deciding with t.
func (m *Model) WithThresholds(t Thresholds) *Model {
	c := *m
	c.thresholds = t
	return &c
}

// Train fits a model on examples (intents with their phrases). It is
// deterministic for the same input.
func Train(ctx context.Context, examples []Example, opts Options) (*Model, error) {
	opts = opts.withDefaults()
	if err := validate(examples); err != nil {
		return nil, err
	}
	for i, v := range opts.Validation {
		if strings.TrimSpace(v.Text) == "" {
			return nil, fmt.Errorf("intent: validation message %d: empty text", i+1)
		}
	}
	more := append([]string(nil), offTopic...)
	for _, v := range opts.Validation {
		more = append(more, v.Text)
	}
	sv, err := embedTexts(ctx, opts, examples, more)
	if err != nil {
		return nil, err
	}
	var held []heldOut
	source := "validation"
	if len(opts.Validation) > 0 {
		m, err := fit(ctx, examples, opts, sv)
		if err != nil {
			return nil, err
		}
		known := map[string]bool{}
		for _, n := range m.intents {
			known[n] = true
		}
		for _, v := range opts.Validation {
			z, sup := m.scoresSupport(v.Text, sv.get(v.Text))
			h := heldOut{z: z, support: sup, gold: -1, weight: 1}
			if v.Intent != "" {
				if !known[v.Intent] {
					return nil, fmt.Errorf("intent: validation message %q has intent %q, which has no learning phrases", v.Text, v.Intent)
				}
				h.gold = m.intentIndex(v.Intent)
			}
			held = append(held, h)
		}
		held = append(held, offTopicRows(m, sv, float64(len(held)))...)
		cal := calibrate(held, opts, source)
		m.temperature = cal.temperature
		m.thresholds = cal.thresholds
		m.calibration = cal.info
		return m, nil
	}
	source = "cross-validation"
	cv, err := crossValidate(ctx, examples, opts, sv, opts.Folds, true)
	if err != nil {
		return nil, err
	}
	m, err := fit(ctx, examples, opts, sv)
	if err != nil {
		return nil, err
	}
	cal := calibrate(cv.rows, opts, source)
	m.temperature = cal.temperature
	m.thresholds = cal.thresholds
	m.calibration = cal.info
	return m, nil
}

func validate(examples []Example) error {
	counts := map[string]int{}
	for i, e := range examples {
		if strings.TrimSpace(e.Intent) == "" {
			return fmt.Errorf("intent: example %d (%q): empty intent name", i+1, e.Text)
		}
		if strings.TrimSpace(e.Text) == "" {
			return fmt.Errorf("intent: example %d (intent %q): empty text", i+1, e.Intent)
		}
		counts[e.Intent]++
	}
	if len(counts) < 2 {
		return fmt.Errorf("intent: need at least 2 intents with learning phrases, got %d", len(counts))
	}
	return nil
}

// fit trains the classifier on examples, without calibration; with sentence
// vectors (sv) they are appended to the lexical features.
func fit(ctx context.Context, examples []Example, opts Options, sv *sentenceVectors) (*Model, error) {
	names := map[string]bool{}
	texts := make([]string, len(examples))
	for i, e := range examples {
		names[e.Intent] = true
		texts[i] = e.Text
	}
	m := &Model{temperature: 1, thresholds: Thresholds{AutoAnswer: 1, Suggest: 0}}
	for n := range names {
		m.intents = append(m.intents, n)
	}
	sort.Strings(m.intents)
	m.voc = buildVocabulary(defaultFeatureConfig(), texts)
	m.phrases = make([]sparse, len(examples))
	m.labels = make([]int32, len(examples))
	y := make([]int, len(examples))
	for i, e := range examples {
		m.phrases[i] = m.voc.vector(e.Text)
		y[i] = m.intentIndex(e.Intent)
		m.labels[i] = int32(y[i])
	}
	X, numFeatures := m.phrases, len(m.voc.Keys)
	if sv != nil {
		m.embedding, m.center = sv.info, sv.center
		m.dense = make([][]float32, len(examples))
		for i, e := range examples {
			m.dense[i] = sv.get(e.Text)
		}
		X = withDense(m.phrases, m.dense, numFeatures, m.embedding.Weight)
		numFeatures += m.embedding.Dims
	}
	alpha, err := trainSoftmax(ctx, X, y, len(m.intents), numFeatures,
		softmaxParams{Lambda: opts.Lambda, Iters: opts.Iterations})
	if err != nil {
		return nil, err
	}
	m.alpha = make([]float32, len(alpha))
	for i, a := range alpha {
		m.alpha[i] = float32(a)
	}
	m.inv = buildInverted(m.phrases, len(m.voc.Keys))
	return m, nil
}

func (m *Model) intentIndex(name string) int {
	i := sort.SearchStrings(m.intents, name)
	if i < len(m.intents) && m.intents[i] == name {
		return i
	}
	return -1
}

// scoresSupport returns the raw scores and the message's support: the best
// lexical cosine with a learning phrase, scaled by the share of the message
// the vocabulary knows. With sentence vectors (vec, unit length), the
// similarity to each phrase and the support blend the lexical and the
// sentence cosines with the dense weight.
func (m *Model) scoresSupport(text string, vec []float32) ([]float64, float64) {
	C := len(m.intents)
	z := make([]float64, C)
	s := m.inv.sims(m.voc.vector(text), len(m.phrases))
	best := 0.0
	for _, v := range s {
		best = max(best, v)
	}
	support := best * m.voc.known(text)
	if m.dense != nil {
		w := m.embedding.Weight
		bestDense := 0.0
		for i := range s {
			d := dot(vec, m.dense[i])
			bestDense = max(bestDense, d)
			s[i] = (1-w)*s[i] + w*d
		}
		support = (1-w)*support + w*bestDense
	}
	for i, v := range s {
		if v == 0 {
			continue
		}
		a := m.alpha[i*C : (i+1)*C]
		for c := range z {
			z[c] += v * float64(a[c])
		}
	}
	return z, support
}

// Predict matches one message with a model of lexical features only. A
// model trained with an Embedder needs the message's sentence vector: use
// Match (Predict panics on such a model).
func (m *Model) Predict(text string) Prediction {
	if m.dense != nil {
		panic("intent: Predict on a model trained with sentence vectors (" + m.embedding.Model + "): use Match")
	}
	return m.predictScores(m.scoresSupport(text, nil))
}

func (m *Model) predictScores(z []float64, support float64) Prediction {
	p := probabilities(z, m.temperature)
	best, second := top2(p)
	pr := Prediction{Intent: m.intents[best], Confidence: p[best]}
	if second >= 0 {
		pr.RunnerUp = m.intents[second]
		pr.RunnerUpConfidence = p[second]
	}
	pr.Margin = pr.Confidence - pr.RunnerUpConfidence
	pr.Support = support
	pr.Decision = m.thresholds.decide(pr.Confidence, pr.Margin, support)
	return pr
}

// PredictBatch matches messages as Predict does, in parallel; results are
// in input order.
func (m *Model) PredictBatch(texts []string) []Prediction {
	out := make([]Prediction, len(texts))
	parallelEach(len(texts), func(i int) { out[i] = m.Predict(texts[i]) })
	return out
}

// probabilities is softmax(z/t).
func probabilities(z []float64, t float64) []float64 {
	p := make([]float64, len(z))
	for c, v := range z {
		p[c] = v / t
	}
	softmaxInPlace(p)
	return p
}

// top2 returns the indices of the two largest values (lowest index wins a
// tie); second is -1 for a single value.
func top2(p []float64) (int, int) {
	best, second := -1, -1
	for c, v := range p {
		switch {
		case best < 0 || v > p[best]:
			second = best
			best = c
		case second < 0 || v > p[second]:
			second = c
		}
	}
	return best, second
}
