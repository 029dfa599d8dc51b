package parser

import (
	"encoding/csv"
	"errors"
	"io"
	"strings"
)

var (
	questionHeaders = map[string]bool{"question": true, "questions": true, "q": true}
	answerHeaders   = map[string]bool{"answer": true, "answers": true, "a": true}
)

// ParseCSV reads an FAQ spreadsheet: a header row naming a question and an
// answer column (question/answer or q/a, any case; other columns are
// ignored), then one question and answer per row. Each pair is a section
// kept whole. Commas, semicolons and tabs are recognised as separators.
func ParseCSV(filename, s string) (Parsed, error) {
	name := displayName(filename, "CSV")
	s = NormalizeNewlines(s)
	r := csv.NewReader(strings.NewReader(s))
	r.Comma = csvSeparator(s)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	header, err := r.Read()
	if err != nil {
		return Parsed{}, Errorf("%s: the header row could not be read: %v", name, err)
	}
	qi, ai := -1, -1
	var found []string
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		found = append(found, h)
		if questionHeaders[h] && qi < 0 {
			qi = i
		}
		if answerHeaders[h] && ai < 0 {
			ai = i
		}
	}
	if qi < 0 || ai < 0 {
		return Parsed{}, Errorf("%s: the first row must name a question and an answer column (question/answer or q/a); found %q",
			name, strings.Join(found, ", "))
	}
	var p Parsed
	line := 1
	for {
		rec, err := r.Read()
		line++
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Parsed{}, Errorf("%s: row %d could not be read: %v", name, line, err)
		}
		if qi >= len(rec) || ai >= len(rec) {
			continue
		}
		q := strings.Join(strings.Fields(rec[qi]), " ")
		a := strings.TrimSpace(rec[ai])
		if q == "" || a == "" {
			continue
		}
		p.Sections = append(p.Sections, Section{Headings: []string{q}, Text: q + "\n\n" + a, Whole: true})
	}
	if len(p.Sections) == 0 {
		return Parsed{}, Errorf("%s has no rows with both a question and an answer", name)
	}
	return p, nil
}

// csvSeparator picks the separator that the header line uses most.
func csvSeparator(s string) rune {
	first, _, _ := strings.Cut(s, "\n")
	best, n := ',', strings.Count(first, ",")
	for _, c := range []rune{';', '\t'} {
		if k := strings.Count(first, string(c)); k > n {
			best, n = c, k
		}
	}
	return best
}
