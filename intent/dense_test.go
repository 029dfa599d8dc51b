package intent

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/llm/llmtest"
)

// concepts are the dimensions of conceptEmbedder: words of one concept give
// the same direction, so paraphrases that share no word with the learning
// phrases get close vectors, as they do with a real sentence model.
var concepts = llmtest.Concepts{
	{"refund", "money back", "reimburs", "repay"},
	{"order", "parcel", "package", "shipment", "purchase"},
	{"cancel", "call off", "abort", "stop"},
	{"address", "residence", "relocat", "moved"},
	{"open", "hours", "close", "times", "schedule", "trading"},
	{"where", "track", "status", "arriv", "shipped", "whereabouts"},
}

// conceptEmbedder is a stand-in embedding model that records its calls.
type conceptEmbedder struct {
	name   string
	dims   int     // 0: len(concepts)+1
	common float32 // if set, the weight of a direction every text shares
	fail   error   // returned by every call when set

	mu    sync.Mutex
	calls [][]string
}

func (e *conceptEmbedder) Model() string { return e.name }

func (e *conceptEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	e.mu.Lock()
	e.calls = append(e.calls, append([]string(nil), texts...))
	e.mu.Unlock()
	if e.fail != nil {
		return nil, e.fail
	}
	out := make([][]float32, len(texts))
	for i, t := range texts {
		v := concepts.Vector(t)
		if e.common > 0 {
			v[len(concepts)] = e.common
		}
		if e.dims > 0 {
			v = append(v, make([]float32, e.dims)...)[:e.dims]
			v[0] += 0.5
		}
		out[i] = v
	}
	return out, nil
}

// embedded counts how often each text was embedded, and the largest call.
func (e *conceptEmbedder) embedded() (map[string]int, int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	counts := map[string]int{}
	largest := 0
	for _, c := range e.calls {
		largest = max(largest, len(c))
		for _, t := range c {
			counts[t]++
		}
	}
	return counts, largest
}

// paraphrases share no content word with supportIntents' phrases.
var paraphrases = map[string]string{
	"could you reimburse me":        "refund",
	"please repay me":               "refund",
	"call off my shipment":          "cancel_order",
	"what is your trading schedule": "opening_hours",
	"i relocated, new residence":    "change_address",
	"whereabouts of my shipment":    "order_status",
}

func TestSentenceVectorsMatchParaphrasesTheWordsMiss(t *testing.T) {
	ctx := context.Background()
	emb := &conceptEmbedder{name: "fake/concepts"}
	m, err := Train(ctx, supportIntents(), Options{Embedder: emb})
	require.NoError(t, err)
	e, ok := m.Embedding()
	require.True(t, ok)
	require.Equal(t, Embedding{Model: "fake/concepts", Dims: len(concepts) + 1, Weight: DefaultDenseWeight}, e)

	lexical := trainSupport(t)
	_, ok = lexical.Embedding()
	require.False(t, ok)
	lexicalRight := 0
	for text, want := range paraphrases {
		p, err := m.Match(ctx, text, emb)
		require.NoError(t, err)
		require.Equal(t, want, p.Intent, "%q → %+v", text, p)
		require.NotEqual(t, NoMatch, p.Decision, "%q → %+v (thresholds %+v)", text, p, m.Thresholds())
		if lp := lexical.Predict(text); lp.Intent == want && lp.Decision != NoMatch {
			lexicalRight++
		}
	}
	require.Less(t, lexicalRight, len(paraphrases)/2, "the words alone miss these paraphrases")

	// Phrases the words do know still match, and chatter does not.
	for text, want := range map[string]string{"where is my order": "order_status", "i want a refund": "refund"} {
		p, err := m.Match(ctx, text, emb)
		require.NoError(t, err)
		require.Equal(t, want, p.Intent)
		require.NotEqual(t, NoMatch, p.Decision)
	}
	for _, text := range []string{"banana smoothie recipe", "who painted the mona lisa"} {
		p, err := m.Match(ctx, text, emb)
		require.NoError(t, err)
		require.Equal(t, NoMatch, p.Decision, "%q → %+v", text, p)
	}

	// The weight moves the share of the sentence vectors.
	light, err := Train(ctx, supportIntents(), Options{Embedder: emb, DenseWeight: 0.05})
	require.NoError(t, err)
	e, _ = light.Embedding()
	require.Equal(t, 0.05, e.Weight)
	p, err := light.Match(ctx, "could you reimburse me", emb)
	require.NoError(t, err)
	heavy, err := m.Match(ctx, "could you reimburse me", emb)
	require.NoError(t, err)
	require.Less(t, p.Support, heavy.Support)
}

// Real sentence models give every text a large shared component, so that
// all cosines crowd near 1; the vectors are centred on the phrases' mean.
func TestSentenceVectorsAreCentred(t *testing.T) {
	ctx := context.Background()
	emb := &conceptEmbedder{name: "fake/crowded", common: 4}
	m, err := Train(ctx, supportIntents(), Options{Embedder: emb})
	require.NoError(t, err)
	for text, want := range paraphrases {
		p, err := m.Match(ctx, text, emb)
		require.NoError(t, err)
		require.Equal(t, want, p.Intent, "%q → %+v", text, p)
		require.NotEqual(t, NoMatch, p.Decision, "%q → %+v (thresholds %+v)", text, p, m.Thresholds())
	}
	for _, text := range []string{"banana smoothie recipe", "who painted the mona lisa"} {
		p, err := m.Match(ctx, text, emb)
		require.NoError(t, err)
		require.Equal(t, NoMatch, p.Decision, "%q → %+v", text, p)
	}
}

func TestMatchRefusesAnotherEmbeddingModel(t *testing.T) {
	ctx := context.Background()
	emb := &conceptEmbedder{name: "openai/concepts"}
	m, err := Train(ctx, supportIntents(), Options{Embedder: emb})
	require.NoError(t, err)

	_, err = m.Match(ctx, "could you reimburse me", &conceptEmbedder{name: "ollama/other"})
	require.ErrorIs(t, err, ErrEmbeddingChanged)
	require.ErrorContains(t, err, "trained with openai/concepts (7 dimensions), and the embedding model is now ollama/other")
	_, err = m.Match(ctx, "could you reimburse me", nil)
	require.ErrorIs(t, err, ErrEmbeddingChanged)
	require.ErrorContains(t, err, "no embedding model is set now")
	_, err = m.Match(ctx, "could you reimburse me", &conceptEmbedder{name: "openai/concepts", dims: 12})
	require.ErrorIs(t, err, ErrEmbeddingChanged)
	require.ErrorContains(t, err, "now gives vectors of 12 dimensions")

	down := &conceptEmbedder{name: "openai/concepts", fail: errors.New("HTTP 502: bad gateway")}
	_, err = m.MatchBatch(ctx, []string{"a", "b"}, down)
	var ee *EmbedError
	require.ErrorAs(t, err, &ee)
	require.Equal(t, "embed with openai/concepts: HTTP 502: bad gateway", err.Error())
	require.NotErrorIs(t, err, ErrEmbeddingChanged)

	require.PanicsWithValue(t, "intent: Predict on a model trained with sentence vectors (openai/concepts): use Match", func() {
		m.Predict("refund")
	})

	// A lexical model never calls the embedder, and takes none.
	lexical := trainSupport(t)
	spy := &conceptEmbedder{name: "openai/concepts"}
	for _, e := range []Embedder{spy, nil} {
		p, err := lexical.Match(ctx, "refund please", e)
		require.NoError(t, err)
		require.Equal(t, lexical.Predict("refund please"), p)
	}
	require.Empty(t, spy.calls)
}

func TestTrainingEmbedsEachTextOnceInBatches(t *testing.T) {
	ctx := context.Background()
	var ex []Example
	for _, n := range []string{"refund", "cancel", "track"} {
		for i := 0; i < 60; i++ {
			ex = append(ex, Example{Text: fmt.Sprintf("%s order number %d", n, i), Intent: n})
		}
	}
	ex = append(ex, ex[0]) // a repeated phrase is embedded once
	emb := &conceptEmbedder{name: "fake/concepts"}
	_, err := Train(ctx, ex, Options{Embedder: emb, Validation: []Example{{"refund order number 3", "refund"}, {"play some jazz", ""}}})
	require.NoError(t, err)
	counts, largest := emb.embedded()
	require.Len(t, counts, 180+1+len(offTopic), "phrases, the one new validation message, the off-topic messages")
	for text, n := range counts {
		require.Equal(t, 1, n, text)
	}
	require.Equal(t, embedChunk, largest, "calls of at most embedChunk texts")
	require.Greater(t, len(emb.calls), 1)

	// Cross-validation and training share one cache.
	inner := &conceptEmbedder{name: "fake/concepts"}
	cache := NewCachedEmbedder(inner)
	opts := Options{Embedder: cache}
	_, err = CrossValidate(ctx, supportIntents(), opts, 4)
	require.NoError(t, err)
	first := len(inner.calls)
	require.Positive(t, first)
	_, err = Train(ctx, supportIntents(), opts)
	require.NoError(t, err)
	require.Equal(t, first, len(inner.calls), "everything Train needs was embedded already")
	require.Equal(t, len(supportIntents())+len(offTopic), cache.Len())

	// One text taught to two intents leaves no spread to centre: it trains.
	m, err := Train(ctx, []Example{{"refund", "a"}, {"refund", "b"}}, Options{Embedder: emb})
	require.NoError(t, err)
	_, err = m.Match(ctx, "refund", emb)
	require.NoError(t, err)
}

func TestTrainingEmbedderErrors(t *testing.T) {
	ctx := context.Background()
	_, err := Train(ctx, supportIntents(), Options{Embedder: &conceptEmbedder{name: "ollama/x", fail: errors.New("connection refused")}})
	var ee *EmbedError
	require.ErrorAs(t, err, &ee)
	require.Equal(t, "ollama/x", ee.Model)
	require.ErrorContains(t, err, "connection refused")

	_, err = Train(ctx, supportIntents(), Options{Embedder: zeroEmbedder{}})
	require.ErrorAs(t, err, &ee)
	require.ErrorContains(t, err, "not a usable vector")

	_, err = CrossValidate(ctx, supportIntents(), Options{Embedder: &conceptEmbedder{name: "ollama/x", fail: errors.New("boom")}}, 3)
	require.ErrorAs(t, err, &ee)

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = Train(cancelled, supportIntents(), Options{Embedder: cancelling{}})
	require.ErrorIs(t, err, context.Canceled)
	require.False(t, errors.As(err, &ee), "a cancelled run is not the provider's failure")
}

// zeroEmbedder answers zero vectors.
type zeroEmbedder struct{}

func (zeroEmbedder) Model() string { return "fake/zero" }
func (zeroEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	return make([][]float32, len(texts)), nil
}

// cancelling fails with its context's error.
type cancelling struct{}

func (cancelling) Model() string { return "fake/cancelling" }
func (cancelling) Embed(ctx context.Context, _ []string) ([][]float32, error) {
	return nil, fmt.Errorf("request: %w", ctx.Err())
}

func TestDenseModelMarshalRoundTrip(t *testing.T) {
	ctx := context.Background()
	emb := &conceptEmbedder{name: "openai/concepts"}
	m, err := Train(ctx, supportIntents(), Options{Embedder: emb, DenseWeight: 0.7})
	require.NoError(t, err)
	again, err := Train(ctx, supportIntents(), Options{Embedder: emb, DenseWeight: 0.7})
	require.NoError(t, err)
	b, err := m.MarshalBinary()
	require.NoError(t, err)
	b2, err := again.MarshalBinary()
	require.NoError(t, err)
	require.Equal(t, b, b2, "deterministic")
	require.True(t, bytes.Contains(b, []byte(DenseFeatureVersion)))

	back, err := UnmarshalModel(b)
	require.NoError(t, err)
	e, ok := back.Embedding()
	require.True(t, ok)
	require.Equal(t, Embedding{Model: "openai/concepts", Dims: 7, Weight: 0.7}, e)
	texts := []string{"could you reimburse me", "where is my order", "banana smoothie recipe", ""}
	want, err := m.MatchBatch(ctx, texts, emb)
	require.NoError(t, err)
	got, err := back.MatchBatch(ctx, texts, emb)
	require.NoError(t, err)
	require.Equal(t, want, got)
	one, err := back.Match(ctx, texts[0], emb)
	require.NoError(t, err)
	require.Equal(t, want[0], one)
	rb, err := back.MarshalBinary()
	require.NoError(t, err)
	require.Equal(t, b, rb)

	// A lexical model keeps the feature version earlier Deskmates read.
	lb, err := trainSupport(t).MarshalBinary()
	require.NoError(t, err)
	require.False(t, bytes.Contains(lb, []byte(DenseFeatureVersion)))

	// Inconsistent stored vectors are refused.
	tamper := func(f func(s *snapshot)) error {
		var s snapshot
		require.NoError(t, gob.NewDecoder(bytes.NewReader(b)).Decode(&s))
		f(&s)
		var buf bytes.Buffer
		require.NoError(t, gob.NewEncoder(&buf).Encode(&s))
		_, err := UnmarshalModel(buf.Bytes())
		return err
	}
	require.ErrorContains(t, tamper(func(s *snapshot) { s.Dense = s.Dense[:len(s.Dense)-1] }), "inconsistent")
	require.ErrorContains(t, tamper(func(s *snapshot) { s.Embedding.Weight = 1 }), "inconsistent")
	require.ErrorContains(t, tamper(func(s *snapshot) { s.Center = nil }), "inconsistent")
	require.ErrorContains(t, tamper(func(s *snapshot) { s.Embedding.Model = "" }), "inconsistent")
	require.ErrorContains(t, tamper(func(s *snapshot) { s.FeatureVersion = FeatureVersion }), "inconsistent")
	require.ErrorContains(t, tamper(func(s *snapshot) { s.FeatureVersion = "lexical-v0" }), "train the intents again")
	require.NoError(t, tamper(func(s *snapshot) {}))
}
