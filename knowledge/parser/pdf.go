package parser

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ledongthuc/pdf"

	"github.com/deskmate/deskmate/internal/confine"
)

// A PDF is read in a child process (package sandbox): the PDF reader can be
// made to loop forever or to inflate a small file into gigabytes, and only a
// process can be stopped. These bound one PDF.
var pdfLimits = confine.Limits{Timeout: 30 * time.Second, MemoryBytes: 512 << 20, OutputBytes: 64 << 20}

// Limits checked inside the child, so that a hostile file fails fast with a
// message saying what is wrong with it.
const (
	maxPDFPages = 2000
	// maxPDFTreeDepth is far deeper than any real page tree (a balanced tree
	// of 2,000 pages is 3 to 4 levels deep).
	maxPDFTreeDepth = 64
	// maxPDFTreeNodes bounds the nodes visited, leaves included.
	maxPDFTreeNodes = 4 * maxPDFPages
	// maxPDFContentBytes bounds the pages' content streams, decompressed.
	maxPDFContentBytes = 128 << 20
)

func init() { confine.Register(FormatPDF, parsePDFInChild) }

// pdfLine is one line of text on a PDF page.
type pdfLine struct {
	text string
	size float64
	y    float64
	page int
}

// ParsePDF reads the text of a PDF page by page. Lines set in a larger font
// than the body text start sections; each section links to its page
// (#page=N). The title is the document's Title property, else its first
// heading, else the file name.
//
// The reading happens in a child process bounded by pdfLimits; a file that
// exceeds them fails with a ParseError saying so.
func ParsePDF(ctx context.Context, filename string, data []byte) (Parsed, error) {
	name := displayName(filename, "PDF")
	out, err := confine.Run(ctx, FormatPDF, pdfRequest(filename, data), pdfLimits)
	var fe *confine.FuncError
	switch {
	case errors.As(err, &fe):
		return Parsed{}, &ParseError{Msg: fe.Msg}
	case errors.Is(err, confine.ErrTimeout):
		return Parsed{}, Errorf("%s could not be read: reading it took longer than %s (a damaged or deliberately crafted file?)", name, pdfLimits.Timeout)
	case errors.Is(err, confine.ErrMemory):
		return Parsed{}, Errorf("%s could not be read: reading it needs more than %d MiB of memory (a damaged or deliberately crafted file?)", name, pdfLimits.MemoryBytes>>20)
	case errors.Is(err, confine.ErrOutputTooLarge):
		return Parsed{}, Errorf("%s has more text than Deskmate reads from one file (%d MiB): split it into smaller files", name, pdfLimits.OutputBytes>>20)
	case errors.Is(err, confine.ErrCrashed):
		return Parsed{}, Errorf("%s could not be read: the file is damaged", name)
	case err != nil:
		// Not the file's fault (no process could be started...): worth a retry.
		return Parsed{}, fmt.Errorf("reading %s: %w", name, err)
	}
	var p Parsed
	if err := json.Unmarshal(out, &p); err != nil {
		return Parsed{}, fmt.Errorf("reading %s: the PDF reader's output: %w", name, err)
	}
	return p, nil
}

// pdfRequest is the child's input: the file name's length in decimal, a
// newline, the file name, then the file.
func pdfRequest(filename string, data []byte) []byte {
	b := make([]byte, 0, 21+len(filename)+len(data))
	b = append(strconv.AppendInt(b, int64(len(filename)), 10), '\n')
	return append(append(b, filename...), data...)
}

// parsePDFInChild is the sandboxed side of ParsePDF: it returns the Parsed
// document as JSON, or a ParseError whose message ParsePDF passes on.
func parsePDFInChild(input []byte) (out []byte, err error) {
	length, rest, _ := bytes.Cut(input, []byte("\n"))
	n, err := strconv.Atoi(string(length))
	if err != nil || n < 0 || n > len(rest) {
		return nil, errors.New("malformed request")
	}
	filename, data := string(rest[:n]), rest[n:]
	defer func() {
		// The PDF reader panics on much damaged input.
		if r := recover(); r != nil {
			out, err = nil, Errorf("%s could not be read: the file is damaged", displayName(filename, FormatPDF))
		}
	}()
	p, err := parsePDF(filename, data)
	if err != nil {
		return nil, err
	}
	return json.Marshal(p)
}

// parsePDF reads a PDF in this process; call it only in a sandbox child.
func parsePDF(filename string, data []byte) (Parsed, error) {
	name := displayName(filename, "PDF")
	r, err := openPDF(data, name)
	if err != nil {
		return Parsed{}, err
	}
	lines, err := pdfTextLines(r, name)
	if err != nil {
		return Parsed{}, err
	}
	title := strings.TrimSpace(r.Trailer().Key("Info").Key("Title").Text())
	p := pdfSections(lines, title, pdfHeadingLevel(lines))
	if p.Title == "" {
		p.Title = strings.TrimSuffix(path.Base(filename), path.Ext(filename))
	}
	return p, nil
}

// openPDF opens data as a PDF, telling an encrypted file from a damaged one.
func openPDF(data []byte, name string) (*pdf.Reader, error) {
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		if strings.Contains(strings.ToLower(err.Error()), "encrypt") || strings.Contains(err.Error(), "password") {
			return nil, Errorf("%s is encrypted: upload a copy without a password", name)
		}
		return nil, Errorf("%s could not be read as a PDF: %v", name, err)
	}
	return r, nil
}

// pdfTextLines returns the lines of text of every page, in order; a PDF
// without any is an error.
func pdfTextLines(r *pdf.Reader, name string) ([]pdfLine, error) {
	pages, err := pdfPages(r, name)
	if err != nil {
		return nil, err
	}
	var lines []pdfLine
	for i, p := range pages {
		lines = append(lines, pdfPageLines(p.Content().Text, i+1)...)
	}
	if len(lines) == 0 {
		return nil, Errorf("%s has no text that can be extracted (a scanned document? Deskmate does not read text in images)", name)
	}
	return lines, nil
}

// pdfHeadingLevel returns the heading level (1 to 3) of a font size, or 0
// for text. The body size is the one most characters are set in; sizes at
// least 15% larger are headings, the largest at level 1.
func pdfHeadingLevel(lines []pdfLine) func(size float64) int {
	chars := map[float64]int{}
	for _, l := range lines {
		chars[l.size] += len(l.text)
	}
	body, most := 0.0, -1
	for size, n := range chars {
		if n > most || (n == most && size < body) {
			body, most = size, n
		}
	}
	var headingSizes []float64
	for size := range chars {
		if size >= body*1.15 {
			headingSizes = append(headingSizes, size)
		}
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(headingSizes)))
	return func(size float64) int {
		for i, s := range headingSizes {
			if s == size {
				return min(i+1, 3)
			}
		}
		return 0
	}
}

// pdfSections groups the lines into paragraphs under their headings; each
// section is anchored to the page it starts on. title is the document's
// Title property, possibly empty.
func pdfSections(lines []pdfLine, title string, level func(size float64) int) Parsed {
	b := newSectionBuilder()
	b.anchored = false
	if title != "" {
		b.p.Title = title
	}
	var para []string
	var prev pdfLine
	flush := func() {
		if len(para) > 0 {
			b.addLine(joinPDFLines(para))
			b.addLine("")
			para = nil
		}
	}
	lastWasHeading := false
	for i, l := range lines {
		if lv := level(l.size); lv > 0 && len(l.text) <= 150 {
			flush()
			// A heading wrapped over several lines comes in pieces.
			wrapped := lastWasHeading && prev.size == l.size && prev.page == l.page && prev.y-l.y < l.size*1.6 && prev.y > l.y
			switch {
			case wrapped && len(b.stack) > 0:
				top := &b.stack[len(b.stack)-1]
				top.text += " " + l.text
				b.cur.Headings[len(b.cur.Headings)-1] = top.text
			case wrapped && b.p.Title != "" && title == "":
				b.p.Title += " " + l.text
			case strings.EqualFold(l.text, b.p.Title):
				// The title printed on the first page.
			default:
				b.heading(lv, l.text, "")
				b.cur.Anchor = "page=" + strconv.Itoa(l.page)
			}
			prev, lastWasHeading = l, true
			continue
		}
		newPara := i == 0 || lastWasHeading || l.page != prev.page || l.size != prev.size || prev.y-l.y > l.size*1.9 || prev.y < l.y
		if newPara {
			flush()
		}
		if b.cur.Anchor == "" {
			b.cur.Anchor = "page=" + strconv.Itoa(l.page)
		}
		para = append(para, l.text)
		prev, lastWasHeading = l, false
	}
	flush()
	return b.done()
}

// pdfPages returns the pages of r in order. It walks the page tree itself
// rather than through pdf.Reader.Page, which loops forever on a tree that
// points back to itself, and checks before any text is extracted that the
// tree has no loop, at most maxPDFPages pages, and page contents that
// decompress to at most maxPDFContentBytes.
func pdfPages(r *pdf.Reader, name string) ([]pdf.Page, error) {
	errLoop := Errorf("%s could not be read: the PDF's page tree loops back on itself", name)
	var pages []pdf.Page
	nodes := 0
	// pdf.Value hides object numbers, so a node is known by its text, which
	// names its kids (and parent) by reference: a node that prints like one
	// of its ancestors leads to the same kids again, which is a loop.
	ancestors := map[string]bool{}
	var walk func(node pdf.Value, depth int) error
	walk = func(node pdf.Value, depth int) error {
		id := node.String()
		if ancestors[id] {
			return errLoop
		}
		if depth > maxPDFTreeDepth {
			return Errorf("%s could not be read: the PDF's page tree is nested more than %d levels deep", name, maxPDFTreeDepth)
		}
		ancestors[id] = true
		defer delete(ancestors, id)
		kids := node.Key("Kids")
		for i := range kids.Len() {
			if nodes++; nodes > maxPDFTreeNodes {
				return Errorf("%s could not be read: the PDF's page tree has more than %d nodes", name, maxPDFTreeNodes)
			}
			// As pdf.Reader.Page does, kids of other types are skipped.
			switch kid := kids.Index(i); kid.Key("Type").Name() {
			case "Pages":
				if err := walk(kid, depth+1); err != nil {
					return err
				}
			case "Page":
				if len(pages) == maxPDFPages {
					return Errorf("%s has more than %d pages: split it into smaller files", name, maxPDFPages)
				}
				pages = append(pages, pdf.Page{V: kid})
			}
		}
		return nil
	}
	if root := r.Trailer().Key("Root").Key("Pages"); root.Key("Type").Name() == "Pages" {
		if err := walk(root, 0); err != nil {
			return nil, err
		}
	}
	budget := int64(maxPDFContentBytes)
	for _, p := range pages {
		// A page inherits resources by following /Parent, which must end.
		up := p.V.Key("Parent")
		for steps := 0; !up.IsNull(); steps++ {
			if steps > maxPDFTreeDepth {
				return nil, errLoop
			}
			up = up.Key("Parent")
		}
		contents := p.V.Key("Contents")
		streams := []pdf.Value{contents}
		if contents.Kind() == pdf.Array {
			streams = streams[:0]
			for i := range contents.Len() {
				streams = append(streams, contents.Index(i))
			}
		}
		for _, s := range streams {
			if s.Kind() != pdf.Stream {
				continue
			}
			// Read errors are left to the text extraction, as before.
			n, _ := io.Copy(io.Discard, io.LimitReader(s.Reader(), budget+1))
			if budget -= n; budget < 0 {
				return nil, Errorf("%s could not be read: its pages' content decompresses to more than %d MiB (a damaged or deliberately crafted file?)", name, maxPDFContentBytes>>20)
			}
		}
	}
	return pages, nil
}

// pdfPageLines groups a page's glyphs into lines, adding the spaces that PDF
// positions imply.
func pdfPageLines(texts []pdf.Text, page int) []pdfLine {
	var out []pdfLine
	var cur strings.Builder
	var line pdfLine
	lastEnd := 0.0
	flush := func() {
		if s := strings.Join(strings.Fields(cur.String()), " "); s != "" {
			line.text = s
			out = append(out, line)
		}
		cur.Reset()
	}
	for i, t := range texts {
		if t.S == "" {
			continue
		}
		size := math.Round(t.FontSize*10) / 10
		if i == 0 || math.Abs(t.Y-line.y) > math.Max(size, line.size)*0.5 || t.X < lastEnd-size*2 {
			flush()
			line = pdfLine{size: size, y: t.Y, page: page}
		} else if gap := t.X - lastEnd; gap > size*0.2 && !strings.HasPrefix(t.S, " ") && !strings.HasSuffix(cur.String(), " ") {
			cur.WriteByte(' ')
		}
		if size > line.size {
			line.size = size
		}
		cur.WriteString(t.S)
		lastEnd = t.X + t.W
	}
	flush()
	return out
}

// joinPDFLines joins the lines of a paragraph, mending words hyphenated at
// line ends.
func joinPDFLines(lines []string) string {
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			prev := lines[i-1]
			if strings.HasSuffix(prev, "-") && len(prev) > 1 && isLowerASCII(prev[len(prev)-2]) && len(l) > 0 && isLowerASCII(l[0]) {
				s := b.String()
				b.Reset()
				b.WriteString(s[:len(s)-1])
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString(l)
	}
	return b.String()
}

func isLowerASCII(c byte) bool { return c >= 'a' && c <= 'z' }
