package knowledge

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

func TestCleanFilenameCutsOnceAtARuneBoundary(t *testing.T) {
	require.Equal(t, "guide.pdf", cleanFilename(`C:\Users\ana\guide.pdf`))
	require.Equal(t, "upload", cleanFilename("../"))
	require.Equal(t, "a\uFFFDb.txt", cleanFilename("a\xffb.txt"))

	long := strings.Repeat("é", 300) + ".pdf" // 604 bytes
	got := cleanFilename(long)
	require.LessOrEqual(t, len(got), 255)
	require.True(t, utf8.ValidString(got))
	require.True(t, strings.HasSuffix(got, ".pdf"))
	require.Equal(t, strings.Repeat("é", 125)+".pdf", got, "as much of the stem as fits, cut between characters")

	// A name of several megabytes is cut in one pass (it used to lose one
	// character per pass over the whole name).
	huge := strings.Repeat("日本語", 1<<20) + ".md"
	got = cleanFilename(huge)
	require.LessOrEqual(t, len(got), 255)
	require.True(t, utf8.ValidString(got))
	require.True(t, strings.HasSuffix(got, ".md"))
}
