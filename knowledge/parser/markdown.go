package parser

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

var (
	atxHeading    = regexp.MustCompile(`^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$`)
	setextLine    = regexp.MustCompile(`^ {0,3}(=+|-+)[ \t]*$`)
	listMarker    = regexp.MustCompile(`^([-*+]|\d+[.)])\s`)
	mdLink        = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
	mdEmphasis    = regexp.MustCompile("(\\*\\*|__|\\*|_|`)")
	headingIDAttr = regexp.MustCompile(`\s*\{#([A-Za-z0-9_-]+)\}\s*$`)
)

// ParseMarkdown reads Markdown: ATX (#) and setext (===, ---) headings start
// sections, fenced code blocks are kept as they are, and a first level-1
// heading before any text is the document's title. Anchors follow GitHub's
// heading ids (or an explicit {#id}).
func ParseMarkdown(s string) Parsed {
	lines := strings.Split(NormalizeNewlines(s), "\n")
	b := newSectionBuilder()
	fence := ""
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		trimmed := strings.TrimSpace(line)
		if fence != "" {
			b.addLine(line)
			if strings.HasPrefix(trimmed, fence) {
				fence = ""
			}
			continue
		}
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			fence = trimmed[:3]
			b.addLine(line)
			continue
		}
		if m := atxHeading.FindStringSubmatch(line); m != nil {
			text, id := headingText(m[2])
			b.heading(len(m[1]), text, id)
			continue
		}
		if trimmed != "" && i+1 < len(lines) && (i == 0 || strings.TrimSpace(lines[i-1]) == "") &&
			!listMarker.MatchString(trimmed) && !strings.HasPrefix(trimmed, ">") && !strings.HasPrefix(trimmed, "|") {
			if m := setextLine.FindStringSubmatch(lines[i+1]); m != nil {
				level := 2
				if m[1][0] == '=' {
					level = 1
				}
				text, id := headingText(trimmed)
				b.heading(level, text, id)
				i++
				continue
			}
		}
		b.addLine(line)
	}
	return b.done()
}

// headingText strips inline Markdown from a heading and splits off an
// explicit {#id}.
func headingText(s string) (text, id string) {
	if m := headingIDAttr.FindStringSubmatch(s); m != nil {
		id = m[1]
		s = s[:len(s)-len(m[0])]
	}
	s = mdLink.ReplaceAllString(s, "$1")
	s = mdEmphasis.ReplaceAllString(s, "")
	return strings.Join(strings.Fields(s), " "), id
}

// slugify makes a GitHub-style heading id: lower case, punctuation dropped,
// spaces turned into hyphens.
func slugify(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}

// sectionBuilder collects text into sections as headings come.
type sectionBuilder struct {
	p        Parsed
	stack    []headingLevel
	cur      Section
	lines    []string
	slugs    map[string]int
	anyText  bool
	anchored bool // anchors are meaningful (Markdown, HTML), not page numbers
}

type headingLevel struct {
	level int
	text  string
}

func newSectionBuilder() *sectionBuilder {
	return &sectionBuilder{slugs: map[string]int{}, anchored: true}
}

func (b *sectionBuilder) addLine(line string) {
	if strings.TrimSpace(line) != "" {
		b.anyText = true
	}
	b.lines = append(b.lines, line)
}

func (b *sectionBuilder) flush() {
	text := strings.TrimSpace(collapseBlankLines(strings.Join(b.lines, "\n")))
	b.lines = nil
	if text == "" {
		return
	}
	s := b.cur
	s.Text = text
	b.p.Sections = append(b.p.Sections, s)
}

// heading starts a section. A level-1 heading before any text, when the
// document has no title yet, becomes the title instead.
func (b *sectionBuilder) heading(level int, text, id string) {
	if text == "" {
		return
	}
	b.flush()
	if level == 1 && b.p.Title == "" && !b.anyText && len(b.stack) == 0 {
		b.p.Title = text
		b.cur = Section{}
		return
	}
	for len(b.stack) > 0 && b.stack[len(b.stack)-1].level >= level {
		b.stack = b.stack[:len(b.stack)-1]
	}
	b.stack = append(b.stack, headingLevel{level, text})
	path := make([]string, len(b.stack))
	for i, h := range b.stack {
		path[i] = h.text
	}
	anchor := id
	if anchor == "" && b.anchored {
		anchor = slugify(text)
		if n := b.slugs[anchor]; n > 0 {
			b.slugs[anchor] = n + 1
			anchor += "-" + strconv.Itoa(n)
		} else {
			b.slugs[anchor] = 1
		}
	}
	b.cur = Section{Headings: path, Anchor: anchor}
}

func (b *sectionBuilder) done() Parsed {
	b.flush()
	return b.p
}

// collapseBlankLines leaves at most one blank line between paragraphs and
// trims trailing spaces.
func collapseBlankLines(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	blank := false
	for _, l := range lines {
		l = strings.TrimRight(l, " \t")
		if l == "" {
			if blank {
				continue
			}
			blank = true
		} else {
			blank = false
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}
