package knowledge

import (
	"bytes"
	"math"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/ledongthuc/pdf"
)

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
func ParsePDF(filename string, data []byte) (Parsed, error) {
	name := displayName(filename, "PDF")
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		if strings.Contains(strings.ToLower(err.Error()), "encrypt") || strings.Contains(err.Error(), "password") {
			return Parsed{}, parseErrorf("%s is encrypted: upload a copy without a password", name)
		}
		return Parsed{}, parseErrorf("%s could not be read as a PDF: %v", name, err)
	}
	var lines []pdfLine
	for i := 1; i <= r.NumPage(); i++ {
		p := r.Page(i)
		if p.V.IsNull() {
			continue
		}
		lines = append(lines, pdfPageLines(p.Content().Text, i)...)
	}
	if len(lines) == 0 {
		return Parsed{}, parseErrorf("%s has no text that can be extracted (a scanned document? Deskmate does not read text in images)", name)
	}
	title := strings.TrimSpace(r.Trailer().Key("Info").Key("Title").Text())

	// The body size is the one most characters are set in.
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
	level := func(size float64) int {
		for i, s := range headingSizes {
			if s == size {
				return min(i+1, 3)
			}
		}
		return 0
	}

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
	p := b.done()
	if p.Title == "" {
		p.Title = strings.TrimSuffix(path.Base(filename), path.Ext(filename))
	}
	return p, nil
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
