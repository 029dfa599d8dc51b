package lang

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestWordsAndStem(t *testing.T) {
	require.Equal(t, []string{"don't"[:0] + "dont", "refund", "e", "g", "x2"}, Words("Don't  REFUND, e g x2!"))
	for in, want := range map[string]string{"refunds": "refund", "refunded": "refund", "refunding": "refund",
		"stopped": "stop", "boxes": "box", "class": "class", "bus": "bus", "deliveries": "delivery", "quickly": "quick"} {
		require.Equal(t, want, Stem(in), in)
	}
}
