package parser

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// A page nested a hundred thousand levels deep is refused with a clear
// error (the parser's own limit), not walked.
func TestDeeplyNestedHTMLIsRefused(t *testing.T) {
	const depth = 100_000
	var b strings.Builder
	b.WriteString("<html><body><main><p>Shallow answer.</p>")
	b.WriteString(strings.Repeat("<div>", depth))
	b.WriteString("deep text")
	b.WriteString(strings.Repeat("</div>", depth))
	b.WriteString("</main></body></html>")
	_, err := ParseHTML([]byte(b.String()))
	require.ErrorContains(t, err, "the HTML could not be read")
	links, _, _ := Links(&url.URL{Scheme: "https", Host: "example.com"}, []byte(b.String()), "text/html")
	require.Empty(t, links)
}

// The walkers stop at maxHTMLDepth in any tree, whatever made it.
func TestHTMLWalkersStopAtMaxDepth(t *testing.T) {
	const depth = 50_000
	doc := &html.Node{Type: html.DocumentNode}
	body := &html.Node{Type: html.ElementNode, DataAtom: atom.Body, Data: "body"}
	doc.AppendChild(body)
	body.AppendChild(&html.Node{Type: html.TextNode, Data: "shallow text "})
	n := body
	for range depth {
		c := &html.Node{Type: html.ElementNode, DataAtom: atom.Span, Data: "span"}
		n.AppendChild(c)
		n = c
	}
	n.AppendChild(&html.Node{Type: html.TextNode, Data: "deep text"})
	link := &html.Node{Type: html.ElementNode, DataAtom: atom.A, Data: "a"}
	n.AppendChild(link)

	text := textContent(doc)
	require.Contains(t, text, "shallow text")
	require.NotContains(t, text, "deep text")
	require.Empty(t, findAll(doc, atom.A, 10))

	w := &htmlWalker{b: newSectionBuilder()}
	w.walk(body, 0)
	w.flushPara()
	var all strings.Builder
	for _, s := range w.b.done().Sections {
		all.WriteString(s.Text)
	}
	require.Contains(t, all.String(), "shallow text")
	require.NotContains(t, all.String(), "deep text")
}
