package intent

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
)

// Embedder turns texts into sentence vectors; llm.Embedder is one.
type Embedder interface {
	// Embed returns one vector per text, in order.
	Embed(ctx context.Context, texts []string) ([][]float32, error)
	// Model names the embedding model (provider/model); vectors of
	// different models are never compared.
	Model() string
}

// DefaultDenseWeight is the share of the similarity of two messages that
// comes from their sentence vectors when Options.Embedder is set; the rest
// comes from the lexical features. It was chosen on the validation splits of
// HWU64 and Bitext (10 phrases per intent) with multilingual-e5-small and
// all-MiniLM-L6-v2: from 0.45 to 0.9 in-scope accuracy moves by less than 2
// points; 0.6 keeps the most messages right once no_match answers count,
// and is within a point of the best in-scope accuracy and coverage.
const DefaultDenseWeight = 0.6

// embedChunk is how many texts go to the embedder in one call; the embedder
// splits a call into requests of its own batch size.
const embedChunk = 128

// Embedding says which sentence embedding model a Model was trained with.
type Embedding struct {
	Model  string  `json:"model"`  // the embedder's Model(), e.g. "openai/text-embedding-3-small"
	Dims   int     `json:"dims"`   // length of its vectors
	Weight float64 `json:"weight"` // share of the similarity from sentence vectors
}

func (e Embedding) String() string {
	return fmt.Sprintf("%s (%d dimensions)", e.Model, e.Dims)
}

// ErrEmbeddingChanged is what Match's error matches (errors.Is) when it is
// given another embedder than the model was trained with, or none: vectors
// of different models are never compared, and the thresholds were chosen
// with the vectors, so the lexical features alone would not do either.
// Training again with the new embedder fixes it.
var ErrEmbeddingChanged = errors.New("the embedding model changed since training")

// EmbedError is a failure of the embedder (the model provider), as opposed
// to a problem of the phrases: retrying may help.
type EmbedError struct {
	Model string
	Err   error
}

func (e *EmbedError) Error() string {
	return fmt.Sprintf("embed with %s: %v", e.Model, e.Err)
}

func (e *EmbedError) Unwrap() error { return e.Err }

// sentenceVectors are the sentence vectors of the texts a training run
// needs, by text: centred on the learning phrases' mean vector and scaled
// to unit length. Sentence models give every text of a language a large
// common component (their cosines crowd between 0.7 and 1); removing the
// mean of the phrases spreads the cosines out.
type sentenceVectors struct {
	info   Embedding
	center []float32
	byText map[string][]float32
}

// get returns the vector of text; nil for a lexical run (sv nil).
func (sv *sentenceVectors) get(text string) []float32 {
	if sv == nil {
		return nil
	}
	return sv.byText[text]
}

// embedTexts embeds the distinct texts of examples and of more with
// opts.Embedder, centred on the examples' mean vector; nil without an
// embedder.
func embedTexts(ctx context.Context, opts Options, examples []Example, more []string) (*sentenceVectors, error) {
	if opts.Embedder == nil {
		return nil, nil
	}
	var distinct []string
	seen := map[string]bool{}
	for _, e := range examples {
		if !seen[e.Text] {
			seen[e.Text] = true
			distinct = append(distinct, e.Text)
		}
	}
	nPhrases := len(distinct)
	for _, t := range more {
		if !seen[t] {
			seen[t] = true
			distinct = append(distinct, t)
		}
	}
	vecs, err := embedAll(ctx, opts.Embedder, distinct)
	if err != nil {
		return nil, err
	}
	dims := len(vecs[0])
	sv := &sentenceVectors{info: Embedding{Model: opts.Embedder.Model(), Dims: dims, Weight: opts.DenseWeight},
		center: make([]float32, dims), byText: make(map[string][]float32, len(distinct))}
	// One distinct phrase (the same text taught to every intent) has no
	// spread to keep: its vectors stay as they are.
	if nPhrases >= 2 {
		mean := make([]float64, dims)
		for _, v := range vecs[:nPhrases] {
			for j, x := range v {
				mean[j] += float64(x)
			}
		}
		for j := range mean {
			sv.center[j] = float32(mean[j] / float64(nPhrases))
		}
	}
	for i, t := range distinct {
		if sv.byText[t], err = centered(vecs[i], sv.center); err != nil {
			return nil, &EmbedError{Model: sv.info.Model, Err: fmt.Errorf("text %q: %w", t, err)}
		}
	}
	return sv, nil
}

// centered returns unit(v − center), for v of unit length.
func centered(v, center []float32) ([]float32, error) {
	d := make([]float32, len(v))
	for j := range v {
		d[j] = v[j] - center[j]
	}
	return unit(d)
}

// embedAll embeds texts in chunks and returns unit-length vectors, all of
// one size.
func embedAll(ctx context.Context, e Embedder, texts []string) ([][]float32, error) {
	out := make([][]float32, 0, len(texts))
	for start := 0; start < len(texts); start += embedChunk {
		end := min(start+embedChunk, len(texts))
		vs, err := e.Embed(ctx, texts[start:end])
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, &EmbedError{Model: e.Model(), Err: err}
		}
		if len(vs) != end-start {
			return nil, &EmbedError{Model: e.Model(), Err: fmt.Errorf("asked for %d vectors, got %d", end-start, len(vs))}
		}
		for i, v := range vs {
			u, err := unit(v)
			if err != nil {
				return nil, &EmbedError{Model: e.Model(), Err: fmt.Errorf("text %q: %w", texts[start+i], err)}
			}
			if len(out) > 0 && len(u) != len(out[0]) {
				return nil, &EmbedError{Model: e.Model(), Err: fmt.Errorf("got vectors of %d and %d dimensions", len(out[0]), len(u))}
			}
			out = append(out, u)
		}
	}
	return out, nil
}

// unit returns v scaled to length 1.
func unit(v []float32) ([]float32, error) {
	var n float64
	for _, x := range v {
		n += float64(x) * float64(x)
	}
	if len(v) == 0 || n == 0 || math.IsNaN(n) || math.IsInf(n, 0) {
		return nil, errors.New("not a usable vector (empty, zero or not finite)")
	}
	s := 1 / math.Sqrt(n)
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(float64(x) * s)
	}
	return out, nil
}

func dot(a, b []float32) float64 {
	var s float32
	for i := range a {
		s += a[i] * b[i]
	}
	return float64(s)
}

// withDense returns the training vectors: each phrase's lexical features
// scaled by √(1−w), then its sentence vector scaled by √w as features
// numFeatures, numFeatures+1, … so that the dot product of two of them is
// (1−w)·lexical cosine + w·sentence cosine.
func withDense(phrases []sparse, dense [][]float32, numFeatures int, w float64) []sparse {
	a, b := float32(math.Sqrt(1-w)), float32(math.Sqrt(w))
	out := make([]sparse, len(phrases))
	for i, p := range phrases {
		d := dense[i]
		x := sparse{idx: make([]int32, 0, len(p.idx)+len(d)), val: make([]float32, 0, len(p.idx)+len(d))}
		for k, f := range p.idx {
			x.idx = append(x.idx, f)
			x.val = append(x.val, a*p.val[k])
		}
		for j, v := range d {
			x.idx = append(x.idx, int32(numFeatures+j))
			x.val = append(x.val, b*v)
		}
		out[i] = x
	}
	return out
}

// Embedding returns the sentence embedding model the model was trained
// with; false for a model of lexical features only.
func (m *Model) Embedding() (Embedding, bool) {
	return m.embedding, m.dense != nil
}

// checkEmbedder says whether emb gives the vectors the model was trained
// on; a lexical model takes any embedder, or none.
func (m *Model) checkEmbedder(emb Embedder) error {
	if m.dense == nil {
		return nil
	}
	if emb == nil {
		return fmt.Errorf("%w: the intents were trained with %s, and no embedding model is set now", ErrEmbeddingChanged, m.embedding)
	}
	if got := emb.Model(); got != m.embedding.Model {
		return fmt.Errorf("%w: the intents were trained with %s, and the embedding model is now %s", ErrEmbeddingChanged, m.embedding, got)
	}
	return nil
}

// messageVector checks the vector of a message and centres it as the
// phrases' vectors were.
func (m *Model) messageVector(v []float32) ([]float32, error) {
	if len(v) != m.embedding.Dims {
		return nil, fmt.Errorf("%w: the intents were trained with %s, and it now gives vectors of %d dimensions",
			ErrEmbeddingChanged, m.embedding, len(v))
	}
	u, err := unit(v)
	if err == nil {
		u, err = centered(u, m.center)
	}
	if err != nil {
		return nil, &EmbedError{Model: m.embedding.Model, Err: err}
	}
	return u, nil
}

// Match matches one message. A model trained with an embedder embeds the
// message with emb, which must be the same embedding model (else an error
// matching ErrEmbeddingChanged); a failing embedder gives an *EmbedError.
// A lexical model ignores emb (nil is fine).
func (m *Model) Match(ctx context.Context, text string, emb Embedder) (Prediction, error) {
	ps, err := m.MatchBatch(ctx, []string{text}, emb)
	if err != nil {
		return Prediction{}, err
	}
	return ps[0], nil
}

// MatchBatch matches messages as Match does, embedding them in batches and
// predicting in parallel; results are in input order.
func (m *Model) MatchBatch(ctx context.Context, texts []string, emb Embedder) ([]Prediction, error) {
	if err := m.checkEmbedder(emb); err != nil {
		return nil, err
	}
	if m.dense == nil {
		return m.PredictBatch(texts), nil
	}
	vecs := make([][]float32, len(texts))
	for start := 0; start < len(texts); start += embedChunk {
		end := min(start+embedChunk, len(texts))
		vs, err := emb.Embed(ctx, texts[start:end])
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, &EmbedError{Model: emb.Model(), Err: err}
		}
		if len(vs) != end-start {
			return nil, &EmbedError{Model: emb.Model(), Err: fmt.Errorf("asked for %d vectors, got %d", end-start, len(vs))}
		}
		for i, v := range vs {
			if vecs[start+i], err = m.messageVector(v); err != nil {
				return nil, err
			}
		}
	}
	out := make([]Prediction, len(texts))
	parallelEach(len(texts), func(i int) {
		out[i] = m.predictScores(m.scoresSupport(texts[i], vecs[i]))
	})
	return out, nil
}

// parallelEach runs f(0) … f(n−1) on GOMAXPROCS goroutines.
func parallelEach(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < n; i += workers {
				f(i)
			}
		}(w)
	}
	wg.Wait()
}

// CachedEmbedder is an Embedder that remembers the vectors it was given, so
// that CrossValidate and Train on the same phrases ask the model provider
// once per text. Safe for concurrent use.
type CachedEmbedder struct {
	e    Embedder
	mu   sync.Mutex
	vecs map[string][]float32
}

// NewCachedEmbedder wraps e.
func NewCachedEmbedder(e Embedder) *CachedEmbedder {
	return &CachedEmbedder{e: e, vecs: map[string][]float32{}}
}

// Model implements Embedder.
func (c *CachedEmbedder) Model() string { return c.e.Model() }

// Embed implements Embedder: texts not seen before are embedded in one call.
func (c *CachedEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	c.mu.Lock()
	var missing []string
	queued := map[string]bool{}
	for _, t := range texts {
		if _, ok := c.vecs[t]; !ok && !queued[t] {
			queued[t] = true
			missing = append(missing, t)
		}
	}
	c.mu.Unlock()
	if len(missing) > 0 {
		vs, err := c.e.Embed(ctx, missing)
		if err != nil {
			return nil, err
		}
		if len(vs) != len(missing) {
			return nil, fmt.Errorf("asked for %d vectors, got %d", len(missing), len(vs))
		}
		c.mu.Lock()
		for i, t := range missing {
			c.vecs[t] = vs[i]
		}
		c.mu.Unlock()
	}
	out := make([][]float32, len(texts))
	c.mu.Lock()
	for i, t := range texts {
		out[i] = c.vecs[t]
	}
	c.mu.Unlock()
	return out, nil
}

// Len is the number of texts embedded so far.
func (c *CachedEmbedder) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.vecs)
}
