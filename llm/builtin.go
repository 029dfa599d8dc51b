package llm

import (
	"context"
	"hash/fnv"
	"math"
	"strings"

	"github.com/deskmate/deskmate/lang"
)

// BuiltinModel names the built-in embedder and its feature version.
const BuiltinModel = "builtin-hash-v1"

// BuiltinDimensions is the built-in embedder's vector size.
const BuiltinDimensions = 1024

// Builtin is an offline, deterministic embedder with no model files: a signed
// feature-hashing of stemmed words, word bigrams and character 3–5-grams,
// each family weighted, with sublinear term frequency and stopwords weighted
// down, L2-normalised. It matches what lexical retrieval matches, plus
// morphology and typos through the character n-grams.
type Builtin struct{}

// NewBuiltin returns the built-in embedder.
func NewBuiltin() *Builtin { return &Builtin{} }

// Model implements Embedder.
func (*Builtin) Model() string { return BuiltinModel }

// Dimensions implements Embedder.
func (*Builtin) Dimensions() int { return BuiltinDimensions }

// Embed implements Embedder.
func (b *Builtin) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		out[i] = b.Vector(t)
	}
	return out, nil
}

// Feature family weights (relative to a content word).
const (
	wWord     = 1.0
	wStop     = 0.15
	wBigram   = 0.6
	wCharGram = 0.35
)

// Features returns the weighted sparse features of a text (feature hash →
// weight), before hashing into dimensions. Classifiers use them directly.
func Features(text string) map[uint64]float64 {
	words := lang.Words(text)
	counts := map[string]float64{}
	weight := map[string]float64{}
	add := func(key string, w float64) {
		counts[key]++
		weight[key] = w
	}
	stems := make([]string, len(words))
	for i, w := range words {
		stems[i] = lang.Stem(w)
		if lang.IsStopword(w) {
			add("w:"+stems[i], wStop)
		} else {
			add("w:"+stems[i], wWord)
		}
	}
	for i := 0; i+1 < len(stems); i++ {
		if lang.IsStopword(words[i]) && lang.IsStopword(words[i+1]) {
			continue
		}
		add("b:"+stems[i]+" "+stems[i+1], wBigram)
	}
	for _, w := range words {
		if lang.IsStopword(w) {
			continue
		}
		padded := "<" + w + ">"
		rs := []rune(padded)
		for n := 3; n <= 5; n++ {
			for i := 0; i+n <= len(rs); i++ {
				add("c:"+string(rs[i:i+n]), wCharGram/float64(n-2))
			}
		}
	}
	out := make(map[uint64]float64, len(counts))
	for k, c := range counts {
		out[hashKey(k)] += weight[k] * (1 + math.Log(c))
	}
	return out
}

// Vector embeds one text.
func (*Builtin) Vector(text string) []float32 {
	v := make([]float64, BuiltinDimensions)
	for h, w := range Features(strings.TrimSpace(text)) {
		idx := h % BuiltinDimensions
		if (h>>32)&1 == 1 {
			v[idx] -= w
		} else {
			v[idx] += w
		}
	}
	var norm float64
	for _, x := range v {
		norm += x * x
	}
	out := make([]float32, BuiltinDimensions)
	if norm == 0 {
		return out
	}
	norm = math.Sqrt(norm)
	for i, x := range v {
		out[i] = float32(x / norm)
	}
	return out
}

func hashKey(s string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(s))
	return h.Sum64()
}
