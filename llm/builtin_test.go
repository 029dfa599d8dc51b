package llm

import (
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func cosine(a, b []float32) float64 {
	var dot float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
	}
	return dot
}

func TestBuiltinEmbedder(t *testing.T) {
	e := NewBuiltin()
	vs, err := e.Embed(context.Background(), []string{
		"How do I get a refund for my order?",
		"refunding an order",
		"What are your opening hours?",
		"How do I get a refund for my order?",
		"",
	})
	require.NoError(t, err)
	require.Len(t, vs, 5)
	for _, v := range vs[:4] {
		require.Len(t, v, BuiltinDimensions)
		var n float64
		for _, x := range v {
			n += float64(x) * float64(x)
		}
		require.InDelta(t, 1, math.Sqrt(n), 1e-5)
	}
	require.Equal(t, vs[0], vs[3], "deterministic")
	require.Greater(t, cosine(vs[0], vs[1]), cosine(vs[0], vs[2])+0.2, "morphology matches (refund/refunding), topic differs")
	require.Equal(t, make([]float32, BuiltinDimensions), vs[4])
	// A typo still lands near the original through character n-grams.
	typo, _ := e.Embed(context.Background(), []string{"How do I get a refnud for my ordr?"})
	require.Greater(t, cosine(vs[0], typo[0]), cosine(vs[0], vs[2]))
}
