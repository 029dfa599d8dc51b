package lang

import (
	"strings"
	"unicode"
)

// Words splits text into lower-case word tokens: letters and digits, with
// inner apostrophes and dots dropped ("don't" → "dont", "e.g" → "eg").
func Words(text string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	rs := []rune(text)
	for i, r := range rs {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		case (r == '\'' || r == '’' || r == '.') && b.Len() > 0 && i+1 < len(rs) && (unicode.IsLetter(rs[i+1]) || unicode.IsDigit(rs[i+1])):
			// keep the word together
		default:
			flush()
		}
	}
	flush()
	return out
}

// Stem reduces an English word to a crude stem (plural, -ing, -ed, -ly and a
// few derivational endings), so "refunds", "refunded" and "refunding" meet.
func Stem(w string) string {
	if len(w) <= 3 {
		return w
	}
	for _, s := range []struct{ suffix, repl string }{
		{"ational", "ate"}, {"ization", "ize"}, {"fulness", "ful"}, {"iveness", "ive"},
		{"ingly", ""}, {"edly", ""}, {"ments", "ment"}, {"ies", "y"}, {"sses", "ss"},
		{"ing", ""}, {"ed", ""}, {"ly", ""}, {"es", ""}, {"s", ""},
	} {
		if strings.HasSuffix(w, s.suffix) && len(w)-len(s.suffix)+len(s.repl) >= 3 {
			if s.suffix == "s" && (strings.HasSuffix(w, "ss") || strings.HasSuffix(w, "us") || strings.HasSuffix(w, "is")) {
				continue
			}
			if s.suffix == "es" && !(strings.HasSuffix(w, "shes") || strings.HasSuffix(w, "ches") || strings.HasSuffix(w, "xes") || strings.HasSuffix(w, "zes")) {
				continue
			}
			w = w[:len(w)-len(s.suffix)] + s.repl
			// "stopped" → "stopp" → "stop"
			if n := len(w); (s.suffix == "ing" || s.suffix == "ed") && n >= 2 && w[n-1] == w[n-2] && !strings.ContainsRune("lsz", rune(w[n-1])) {
				w = w[:n-1]
			}
			return w
		}
	}
	return w
}

// stopwords are frequent English function words: weighted down, not dropped,
// so "not" and "how" still count a little.
var stopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a an the and or but if then else of to in on at by for with from as is are was were be been
		being am do does did doing have has had having i me my mine we us our you your yours he him his she her it its they them
		their this that these those there here what which who whom whose can could would should will shall may might must
		so than too very just also about into over under again further once all any both each few more most other some such
		only own same no nor not s t don dont im ive id youre please hi hello thanks thank`) {
		m[w] = true
	}
	return m
}()

// IsStopword reports whether w (lower case) is a frequent function word.
func IsStopword(w string) bool { return stopwords[w] }

// StemSet is the set of stems of a text's content words (stopwords left out).
func StemSet(text string) map[string]bool {
	out := map[string]bool{}
	for _, w := range Words(text) {
		if !IsStopword(w) {
			out[Stem(w)] = true
		}
	}
	return out
}

// Jaccard is the Jaccard similarity of two sets: shared over all elements, 0
// when either is empty.
func Jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	shared := 0
	for w := range a {
		if b[w] {
			shared++
		}
	}
	return float64(shared) / float64(len(a)+len(b)-shared)
}
