package agent

import (
	"fmt"
	"regexp"
	"strings"
)

// Personal data is replaced by placeholders before a hosted model sees a
// text, and put back in the model's reply: emails, phone numbers, card-like
// numbers, order numbers and street addresses. The trace lists what kind of
// data was masked, never the values.

var maskRules = []struct {
	kind string
	re   *regexp.Regexp
}{
	{"email", regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)},
	// 13–19 digits, spaces or dashes between groups: a payment card.
	{"card", regexp.MustCompile(`\b(?:\d[ \-]?){12,18}\d\b`)},
	// Phone numbers in their usual groupings; see isPhone for what is not one.
	{"phone", regexp.MustCompile(`(?:\+\d{1,3}[ .\-]?)?(?:\(\d{1,4}\)[ .\-]?)?\b\d{1,4}(?:[ .\-]?\d{2,4}){2,5}\b`)},
	{"order", regexp.MustCompile(`#\s?\d{3,12}\b`)},
	// A number, a name and a street word: "12 Rue de la Paix", "221B Baker Street".
	{"address", regexp.MustCompile(`(?i)\b\d{1,5}[a-z]?,?\s+(?:[a-zà-ÿ'.\-]+\s+){0,4}(?:street|st\.|road|rd\.|avenue|ave\.|boulevard|blvd|lane|drive|way|court|place|square|rue|avenue|chemin|straße|strasse|weg|platz|calle|via|rua|straat|laan)\b[^\n,]*`)},
}

// masker replaces personal data with placeholders and restores them.
type masker struct {
	on     bool
	values map[string]string // placeholder → value
	byVal  map[string]string // value → placeholder
	counts map[string]int
	items  []MaskedItem
}

func newMasker(on bool) *masker {
	return &masker{on: on, values: map[string]string{}, byVal: map[string]string{}, counts: map[string]int{}}
}

// mask returns text with its personal data replaced (the same value gets the
// same placeholder everywhere).
func (m *masker) mask(text string) string {
	if !m.on {
		return text
	}
	for _, r := range maskRules {
		text = r.re.ReplaceAllStringFunc(text, func(v string) string {
			if strings.HasPrefix(v, "[") || (r.kind == "phone" && !isPhone(v)) {
				return v
			}
			if ph, ok := m.byVal[v]; ok {
				return ph
			}
			m.counts[r.kind]++
			ph := fmt.Sprintf("[%s_%d]", strings.ToUpper(r.kind), m.counts[r.kind])
			m.values[ph], m.byVal[v] = v, ph
			m.items = append(m.items, MaskedItem{Kind: r.kind, Placeholder: ph})
			return ph
		})
	}
	return text
}

// restore puts the values back into a text with placeholders.
func (m *masker) restore(text string) string {
	for ph, v := range m.values {
		text = strings.ReplaceAll(text, ph, v)
	}
	return text
}

var dateRe = regexp.MustCompile(`^(?:\d{4}[\-/.]\d{1,2}[\-/.]\d{1,2}|\d{1,2}[\-/.]\d{1,2}[\-/.]\d{4})$`)

// isPhone tells a phone number from other digit groups: at least 8 digits,
// and not a date.
func isPhone(v string) bool {
	digits := 0
	for _, r := range v {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	return digits >= 8 && !dateRe.MatchString(v)
}
