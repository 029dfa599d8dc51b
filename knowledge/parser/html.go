package parser

import (
	"bytes"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

// skippedElements never hold a page's content.
var skippedElements = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true, atom.Svg: true, atom.Math: true,
	atom.Iframe: true, atom.Nav: true, atom.Aside: true, atom.Footer: true, atom.Form: true, atom.Button: true,
	atom.Select: true, atom.Textarea: true, atom.Head: true, atom.Object: true, atom.Canvas: true, atom.Dialog: true,
}

// blockElements end the paragraph before and after them.
var blockElements = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Section: true, atom.Article: true, atom.Main: true, atom.Header: true,
	atom.Ul: true, atom.Ol: true, atom.Dl: true, atom.Dt: true, atom.Dd: true, atom.Table: true, atom.Thead: true,
	atom.Tbody: true, atom.Tfoot: true, atom.Blockquote: true, atom.Figure: true, atom.Figcaption: true, atom.Hr: true,
	atom.Address: true, atom.Details: true, atom.Summary: true, atom.Caption: true, atom.Fieldset: true, atom.Body: true,
}

var headingLevels = map[atom.Atom]int{atom.H1: 1, atom.H2: 2, atom.H3: 3, atom.H4: 4, atom.H5: 5, atom.H6: 6}

// maxHTMLDepth is how deep into nested elements the walkers go. Real pages
// nest a few dozen levels. The HTML parser refuses documents whose open
// elements nest deeper than 512; the walkers do not count on it, and leave
// out what is deeper than this in any tree they are given.
const maxHTMLDepth = 512

// ParseHTML reads an HTML page: the content of <main> (or the only
// <article>, or <body>) without navigation, scripts, forms and footers;
// h1–h6 start sections, anchored by their id. The title is the first h1 when
// it comes before other text, else <title>.
func ParseHTML(data []byte) (Parsed, error) {
	doc, err := parseHTMLDocument(data, "")
	if err != nil {
		return Parsed{}, Errorf("the HTML could not be read: %v", err)
	}
	title := ""
	if t := findFirst(doc, atom.Title); t != nil {
		title = collapse(textContent(t))
	}
	root := findFirst(doc, atom.Main)
	if root == nil {
		if arts := findAll(doc, atom.Article, 2); len(arts) == 1 {
			root = arts[0]
		}
	}
	if root == nil {
		if root = findFirst(doc, atom.Body); root == nil {
			root = doc
		}
	}
	w := &htmlWalker{b: newSectionBuilder(), headerSkip: root.DataAtom == atom.Body || root == doc}
	w.walk(root, 0)
	w.flushPara()
	p := w.b.done()
	if p.Title == "" {
		p.Title = title
	}
	return p, nil
}

// parseHTMLDocument decodes the page's charset (from contentType or <meta>)
// and parses it.
func parseHTMLDocument(data []byte, contentType string) (*html.Node, error) {
	r, err := charset.NewReader(bytes.NewReader(data), contentType)
	if err != nil {
		return html.Parse(bytes.NewReader(data))
	}
	return html.Parse(r)
}

type htmlWalker struct {
	b          *sectionBuilder
	line       strings.Builder
	pre        int
	headerSkip bool
}

func (w *htmlWalker) walk(n *html.Node, depth int) {
	switch n.Type {
	case html.TextNode:
		// Whitespace is collapsed when the paragraph ends, except in <pre>.
		w.line.WriteString(n.Data)
		return
	case html.ElementNode:
		if skippedElements[n.DataAtom] || hidden(n) || (w.headerSkip && n.DataAtom == atom.Header) {
			return
		}
		if level, ok := headingLevels[n.DataAtom]; ok {
			w.flushPara()
			w.b.heading(level, collapse(textContent(n)), headingAnchor(n))
			return
		}
		switch n.DataAtom {
		case atom.Br:
			w.line.WriteString("\n")
			return
		case atom.Img:
			return
		case atom.Pre:
			w.flushPara()
			w.pre++
			w.children(n, depth)
			w.pre--
			if text := strings.Trim(w.line.String(), "\n"); strings.TrimSpace(text) != "" {
				w.b.addLine("```\n" + text + "\n```")
				w.b.addLine("")
			}
			w.line.Reset()
			return
		case atom.Li:
			w.flushPara()
			w.line.WriteString("- ")
			w.children(n, depth)
			w.flushParaTight()
			return
		case atom.Tr:
			w.flushPara()
			var cells []string
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == html.ElementNode && (c.DataAtom == atom.Td || c.DataAtom == atom.Th) {
					cells = append(cells, collapse(textContent(c)))
				}
			}
			if row := strings.Join(cells, " | "); strings.Trim(row, " |") != "" {
				w.b.addLine(row)
			}
			return
		}
		if blockElements[n.DataAtom] {
			w.flushPara()
			w.children(n, depth)
			w.flushPara()
			return
		}
	}
	w.children(n, depth)
}

func (w *htmlWalker) children(n *html.Node, depth int) {
	if depth >= maxHTMLDepth {
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c, depth+1)
	}
}

// flushPara ends the paragraph being collected, followed by a blank line.
func (w *htmlWalker) flushPara() {
	if w.flushParaTight() {
		w.b.addLine("")
	}
}

// flushParaTight ends the paragraph without a blank line (list items).
func (w *htmlWalker) flushParaTight() bool {
	var parts []string
	for _, l := range strings.Split(w.line.String(), "\n") {
		if l = collapse(l); l != "" {
			parts = append(parts, l)
		}
	}
	w.line.Reset()
	text := strings.Join(parts, "\n")
	if text == "" || text == "-" {
		return false
	}
	w.b.addLine(text)
	return true
}

// hidden reports elements a reader does not see.
func hidden(n *html.Node) bool {
	for _, a := range n.Attr {
		switch strings.ToLower(a.Key) {
		case "hidden":
			return true
		case "aria-hidden":
			if a.Val == "true" {
				return true
			}
		case "style":
			s := strings.ReplaceAll(strings.ToLower(a.Val), " ", "")
			if strings.Contains(s, "display:none") || strings.Contains(s, "visibility:hidden") {
				return true
			}
		}
	}
	return false
}

// headingAnchor finds the fragment that links to a heading: its id, the id
// or name of an anchor inside it, or of an empty anchor just before it.
func headingAnchor(n *html.Node) string {
	if id := attr(n, "id"); id != "" {
		return id
	}
	for _, a := range findAll(n, atom.A, 5) {
		if id := attr(a, "id"); id != "" {
			return id
		}
		if name := attr(a, "name"); name != "" {
			return name
		}
	}
	for s := n.PrevSibling; s != nil; s = s.PrevSibling {
		if s.Type == html.TextNode && strings.TrimSpace(s.Data) == "" {
			continue
		}
		if s.Type == html.ElementNode && s.DataAtom == atom.A && strings.TrimSpace(textContent(s)) == "" {
			if id := attr(s, "id"); id != "" {
				return id
			}
			return attr(s, "name")
		}
		break
	}
	if p := n.Parent; p != nil && (p.DataAtom == atom.Section || p.DataAtom == atom.Div || p.DataAtom == atom.Article) {
		if first := firstElementChild(p); first == n {
			return attr(p, "id")
		}
	}
	return ""
}

func firstElementChild(n *html.Node) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			return c
		}
	}
	return nil
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return strings.TrimSpace(a.Val)
		}
	}
	return ""
}

func textContent(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node, int)
	walk = func(n *html.Node, depth int) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			return
		}
		if n.Type == html.ElementNode && (skippedElements[n.DataAtom] || hidden(n)) {
			return
		}
		if n.Type == html.ElementNode && n.DataAtom == atom.Br {
			b.WriteByte(' ')
		}
		if depth >= maxHTMLDepth {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return b.String()
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

func findFirst(n *html.Node, a atom.Atom) *html.Node {
	if all := findAll(n, a, 1); len(all) > 0 {
		return all[0]
	}
	return nil
}

// findAll returns up to max elements a under n, in document order.
func findAll(n *html.Node, a atom.Atom, max int) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node, int)
	walk = func(n *html.Node, depth int) {
		if len(out) >= max {
			return
		}
		if n.Type == html.ElementNode && n.DataAtom == a {
			out = append(out, n)
		}
		if depth >= maxHTMLDepth {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return out
}

// Links returns the absolute http(s) links of a page (without
// fragments), and what its robots meta tag says.
func Links(base *url.URL, data []byte, contentType string) (links []*url.URL, noindex, nofollow bool) {
	doc, err := parseHTMLDocument(data, contentType)
	if err != nil {
		return nil, false, false
	}
	if b := findFirst(doc, atom.Base); b != nil {
		if href, err := base.Parse(attr(b, "href")); err == nil && attr(b, "href") != "" {
			base = href
		}
	}
	for _, m := range findAll(doc, atom.Meta, 1000) {
		name := strings.ToLower(attr(m, "name"))
		if name != "robots" && name != "deskmate" {
			continue
		}
		for _, v := range strings.Split(strings.ToLower(attr(m, "content")), ",") {
			switch strings.TrimSpace(v) {
			case "noindex":
				noindex = true
			case "nofollow":
				nofollow = true
			case "none":
				noindex, nofollow = true, true
			}
		}
	}
	if nofollow {
		return nil, noindex, nofollow
	}
	seen := map[string]bool{}
	for _, a := range findAll(doc, atom.A, 100000) {
		href := attr(a, "href")
		if href == "" || strings.Contains(strings.ToLower(attr(a, "rel")), "nofollow") {
			continue
		}
		u, err := base.Parse(href)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			continue
		}
		u.Fragment, u.RawFragment = "", ""
		if !seen[u.String()] {
			seen[u.String()] = true
			links = append(links, u)
		}
	}
	return links, noindex, nofollow
}
