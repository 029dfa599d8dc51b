package knowledge

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/knowledge/parser"
)

func TestSplitRespectsStructureSizeAndOverlap(t *testing.T) {
	para := func(n int, word string) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteString("This sentence talks about " + word + " number " + strings.Repeat("x", i%5+1) + ". ")
		}
		return strings.TrimSpace(b.String())
	}
	long := para(30, "refunds") + "\n\n" + para(30, "shipping") + "\n\n" + para(5, "tracking")
	p := parser.Parsed{Title: "Guide", Sections: []parser.Section{
		{Headings: []string{"Returns"}, Anchor: "returns", Text: long},
		{Headings: []string{"Returns", "Short"}, Anchor: "short", Text: "One line."},
		{Headings: []string{"Q?"}, Text: strings.Repeat("answer ", 250), Whole: true},
	}}
	chunks := Split(p, "Guide", "https://help.test/guide#old", ChunkOptions{Size: 500, Overlap: 80})
	var returns []Chunk
	for i, c := range chunks {
		require.Equal(t, i, c.Ord)
		require.Len(t, c.Hash, 32)
		if c.TitlePath == "Guide › Returns" {
			returns = append(returns, c)
			require.LessOrEqual(t, runeLen(c.Text), 500)
			require.Equal(t, "https://help.test/guide#returns", c.URL)
		}
	}
	require.Greater(t, len(returns), 4)
	for i := 1; i < len(returns); i++ {
		prev := returns[i-1].Text
		// Each chunk starts with the end of the one before (the overlap).
		head := strings.SplitN(returns[i].Text, " ", 4)
		require.Contains(t, prev[len(prev)-100:], strings.Join(head[:3], " "), "chunk %d overlaps chunk %d", i, i-1)
	}
	require.Equal(t, "Guide › Returns › Short", chunks[len(chunks)-2].TitlePath)
	require.Equal(t, "One line.", chunks[len(chunks)-2].Text, "sections are never merged")
	last := chunks[len(chunks)-1]
	require.Equal(t, "Guide › Q?", last.TitlePath)
	require.Equal(t, strings.TrimSpace(strings.Repeat("answer ", 250)), last.Text, "a question and its answer stay whole")

	// Same text, same hashes: unchanged chunks are recognised.
	again := Split(p, "Guide", "https://help.test/guide", ChunkOptions{Size: 500, Overlap: 80})
	require.Equal(t, chunks[0].Hash, again[0].Hash)
	// A very long word is cut anyway.
	huge := Split(parser.Parsed{Sections: []parser.Section{{Text: strings.Repeat("x", 1300)}}}, "", "", ChunkOptions{Size: 500})
	require.Len(t, huge, 3)
	require.Equal(t, "Untitled", huge[0].TitlePath)
}
