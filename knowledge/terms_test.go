package knowledge_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/lang"
)

func TestTermStatsCountDocumentsPerStem(t *testing.T) {
	e := setup(t)
	kb := e.base("Help center")
	e.addText(kb.ID, "Shipping", "Standard shipping takes 3 to 5 days. Express shipping is faster.")
	e.addText(kb.ID, "Returns", "Returns are free within 30 days of shipping.")
	e.addText(kb.ID, "Gift cards", "Gift cards never expire.")
	e.wait(kb.ID)

	stats, err := e.svc.TermStats(e.ctx, e.actor)
	require.NoError(t, err)
	require.Equal(t, 3, stats.Documents)
	idf := func(n int) float64 { return math.Log(4 / (float64(n) + 0.5)) }
	ship := lang.Stem("shipping")
	require.InDelta(t, idf(2), stats.IDF(ship), 1e-9, "shipping is in two documents")
	require.InDelta(t, idf(1), stats.IDF(lang.Stem("expire")), 1e-9)
	require.InDelta(t, idf(0), stats.IDF("zeppelin"), 1e-9)
	require.Greater(t, stats.IDF("zeppelin"), stats.IDF(lang.Stem("expire")))

	// Another workspace has its own statistics.
	other := account.System(e.wsID+1000, "test")
	_, err = e.svc.TermStats(e.ctx, other)
	require.NoError(t, err)

	again, err := e.svc.TermStats(e.ctx, e.actor)
	require.NoError(t, err)
	require.Same(t, stats, again, "unchanged knowledge keeps its statistics")
}
