package knowledge

import (
	"crypto/sha256"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/deskmate/deskmate/knowledge/parser"
)

// Chunking defaults and limits, in characters.
const (
	DefaultChunkSize    = 1200
	DefaultChunkOverlap = 150
	MinChunkSize        = 200
	MaxChunkSize        = 8000
	// wholeLimit is how many times the chunk size a section kept whole (a
	// question with its answer) may reach before it is split anyway.
	wholeLimit = 4
)

// TitleSeparator joins the parts of a title path.
const TitleSeparator = " › "

// ChunkOptions sets chunk size and the overlap between consecutive chunks of
// one section, in characters.
type ChunkOptions struct {
	Size    int
	Overlap int
}

// Chunk is a piece of a document ready to embed and store.
type Chunk struct {
	Ord       int
	TitlePath string // "Doc title › parser.Section › Subsection"
	URL       string // the document's URL with the section's #anchor
	Text      string
	Hash      []byte // SHA-256 of EmbedText
}

// EmbedText is what is embedded: the title path, then the text.
func (c Chunk) EmbedText() string { return embedText(c.TitlePath, c.Text) }

func embedText(titlePath, text string) string { return titlePath + "\n\n" + text }

// Split cuts a parsed document into chunks: never across sections; within a
// section at paragraph, then sentence, then word boundaries; sections marked
// Whole stay in one chunk.
func Split(p parser.Parsed, title, docURL string, opts ChunkOptions) []Chunk {
	if opts.Size <= 0 {
		opts.Size = DefaultChunkSize
	}
	opts.Overlap = max(0, min(opts.Overlap, opts.Size/2))
	var out []Chunk
	for _, s := range p.Sections {
		path := cleanText(titlePath(title, s.Headings))
		url := docURL
		if url != "" && s.Anchor != "" {
			url = strings.SplitN(url, "#", 2)[0] + "#" + s.Anchor
		}
		var pieces []string
		if s.Whole && runeLen(s.Text) <= opts.Size*wholeLimit {
			pieces = []string{strings.TrimSpace(s.Text)}
		} else {
			pieces = splitText(s.Text, opts.Size, opts.Overlap)
		}
		for _, text := range pieces {
			if strings.TrimSpace(text) == "" {
				continue
			}
			c := Chunk{Ord: len(out), TitlePath: path, URL: url, Text: cleanText(text)}
			sum := sha256.Sum256([]byte(c.EmbedText()))
			c.Hash = sum[:]
			out = append(out, c)
		}
	}
	return out
}

// cleanText makes text storable: valid UTF-8, without NUL characters
// (which PostgreSQL text cannot hold; extracted PDF text sometimes has them).
func cleanText(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

func titlePath(title string, headings []string) string {
	parts := make([]string, 0, len(headings)+1)
	if t := strings.TrimSpace(title); t != "" {
		parts = append(parts, t)
	}
	for _, h := range headings {
		if h = strings.TrimSpace(h); h != "" {
			parts = append(parts, h)
		}
	}
	if len(parts) == 0 {
		return "Untitled"
	}
	return strings.Join(parts, TitleSeparator)
}

func runeLen(s string) int { return utf8.RuneCountInString(s) }

// unit is a paragraph, or a piece of one when it is longer than a chunk.
type unit struct {
	text      string
	paragraph bool // starts a paragraph (joined with a blank line, not a space)
}

var sentenceEnd = regexp.MustCompile(`[.!?…][)"'’”]*\s+`)

// splitText packs paragraphs (or sentences, or words, of paragraphs too long)
// into pieces of at most size characters; each piece after the first starts
// with the last ~overlap characters of the one before.
func splitText(text string, size, overlap int) []string {
	text = strings.TrimSpace(text)
	if runeLen(text) <= size {
		return []string{text}
	}
	var units []unit
	for _, para := range strings.Split(text, "\n\n") {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		if runeLen(para) <= size {
			units = append(units, unit{para, true})
			continue
		}
		for i, piece := range splitLong(para, size) {
			units = append(units, unit{piece, i == 0})
		}
	}
	var out []string
	var cur strings.Builder
	curLen := 0
	for _, u := range units {
		sep := " "
		if u.paragraph {
			sep = "\n\n"
		}
		ulen := runeLen(u.text)
		if curLen > 0 && curLen+len(sep)+ulen <= size {
			cur.WriteString(sep)
			cur.WriteString(u.text)
			curLen += len(sep) + ulen
			continue
		}
		if curLen > 0 {
			prev := cur.String()
			out = append(out, prev)
			cur.Reset()
			curLen = 0
			if tail := overlapTail(prev, overlap); tail != "" && runeLen(tail)+1+ulen <= size {
				cur.WriteString(tail)
				cur.WriteString(" ")
				curLen = runeLen(tail) + 1
			}
		}
		cur.WriteString(u.text)
		curLen += ulen
	}
	if curLen > 0 {
		out = append(out, cur.String())
	}
	return out
}

// splitLong cuts a paragraph longer than size at sentence ends, and a
// sentence longer than size at spaces (or anywhere, for a word that long).
func splitLong(para string, size int) []string {
	var sentences []string
	last := 0
	for _, m := range sentenceEnd.FindAllStringIndex(para, -1) {
		sentences = append(sentences, para[last:m[1]])
		last = m[1]
	}
	if last < len(para) {
		sentences = append(sentences, para[last:])
	}
	var out []string
	var cur strings.Builder
	for _, s := range sentences {
		s = strings.TrimSpace(s)
		for runeLen(s) > size {
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
			head, rest := cutAtSpace(s, size)
			out = append(out, head)
			s = rest
		}
		if cur.Len() > 0 && runeLen(cur.String())+1+runeLen(s) > size {
			out = append(out, cur.String())
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteByte(' ')
		}
		cur.WriteString(s)
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

// cutAtSpace returns the longest head of s of at most size characters that
// ends at a space (or exactly size characters when there is none), and the rest.
func cutAtSpace(s string, size int) (string, string) {
	rs := []rune(s)
	cut := size
	for i := size; i > size/2; i-- {
		if rs[i] == ' ' {
			cut = i
			break
		}
	}
	return strings.TrimSpace(string(rs[:cut])), strings.TrimSpace(string(rs[cut:]))
}

// overlapTail returns about the last n characters of s, starting at a
// sentence start when one is near, else at a word start.
func overlapTail(s string, n int) string {
	if n <= 0 {
		return ""
	}
	rs := []rune(s)
	if len(rs) <= n {
		return ""
	}
	tail := string(rs[len(rs)-n:])
	if m := sentenceEnd.FindStringIndex(tail); m != nil && runeLen(tail[m[1]:]) >= n/3 {
		return strings.TrimSpace(tail[m[1]:])
	}
	if i := strings.IndexAny(tail, " \n"); i >= 0 {
		return strings.TrimSpace(tail[i:])
	}
	return strings.TrimSpace(tail)
}
