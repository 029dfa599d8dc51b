package lang

import (
	"strings"
	"unicode"
)

// Sentences splits text into non-empty sentences for extractive answers,
// trimmed and with inner runs of white space made single spaces.
//
// A sentence ends at . ! ? … followed by a space or the end, at 。！？ ؟ ۔ ।
// ॥ ։ anywhere, at a blank line, and at a line break unless the next line
// goes on in lower case (a hard-wrapped sentence). It does not end after an
// abbreviation ("e.g.", "Dr.", "No. 5", "etc." before a lower-case word),
// inside a decimal, URL, e-mail address or "#1001.2", nor after the number
// of a numbered list ("1. Open Settings"). A bullet ("- ", "• ") starting
// a sentence is dropped.
func Sentences(text string) []string {
	rs := []rune(text)
	var out []string
	start := 0
	emit := func(end int) {
		if s := trimBullet(strings.Join(strings.Fields(string(rs[start:end])), " ")); s != "" {
			out = append(out, s)
		}
		start = end
	}
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '\n':
			next, blank := i+1, false
			for next < len(rs) && unicode.IsSpace(rs[next]) {
				blank = blank || rs[next] == '\n'
				next++
			}
			// A line starting in lower case goes on a hard-wrapped sentence.
			if blank || next == len(rs) || !unicode.IsLower(rs[next]) {
				emit(i)
			}
			i = next - 1
		case strongStops[r]:
			end := afterClosers(rs, i+1)
			emit(end)
			i = end - 1
		case isStop(r):
			runEnd := i + 1
			for runEnd < len(rs) && isStop(rs[runEnd]) {
				runEnd++
			}
			end := afterClosers(rs, runEnd)
			if end < len(rs) && !unicode.IsSpace(rs[end]) && !unspaced(rs[end]) {
				i = runEnd - 1 // "3.5", "a.b@c.com", "site.com/faq?id=1"
				continue
			}
			if endsSentence(rs, start, i, runEnd, end) {
				emit(end)
			}
			i = end - 1
		}
	}
	emit(len(rs))
	return out
}

// strongStops end a sentence wherever they stand: scripts that use them put
// no space after them, and they never occur inside numbers or addresses.
var strongStops = map[rune]bool{
	'。': true, '！': true, '？': true, '｡': true, '؟': true, '۔': true, '।': true, '॥': true, '։': true, '‼': true, '⁇': true,
}

// isStop tells the stops that end a sentence only before a space.
func isStop(r rune) bool { return r == '.' || r == '!' || r == '?' || r == '…' }

// closers are closing quotes and brackets that belong to the sentence they
// follow: `He said "ok."`.
const closers = `"')]}»”’」』）】`

func afterClosers(rs []rune, i int) int {
	for i < len(rs) && strings.ContainsRune(closers, rs[i]) {
		i++
	}
	return i
}

// unspaced tells letters of scripts written without spaces, where a
// sentence may start right after an ASCII "!" or "?".
func unspaced(r rune) bool {
	s := scriptOf(r)
	return s == scriptHan || s == scriptKana || s == scriptThai
}

// endsSentence decides whether the run of stops rs[i:runEnd] (closers up to
// end) ends the sentence that began at start.
func endsSentence(rs []rune, start, i, runEnd, end int) bool {
	next := nextWord(rs, end)
	if strings.ContainsAny(string(rs[i:runEnd]), "!?") {
		return true
	}
	if runEnd-i > 1 || rs[i] == '…' {
		// An ellipsis trails off mid-sentence unless a capital follows.
		return next == 0 || !unicode.IsLower(next)
	}
	tok := strings.ToLower(tokenBefore(rs, start, i))
	switch {
	case tok == "":
		return true
	case abbreviations[tok]:
		return false
	case numberAbbreviations[tok] && (unicode.IsDigit(next) || next == '#'):
		return false // "No. 5", "p. 12"
	case endingAbbreviations[tok] || isDotted(tok):
		// "etc." and "a.m." may end a sentence: trust the next capital.
		return next == 0 || !unicode.IsLower(next)
	case isDigits(tok) && strings.TrimSpace(string(rs[start:i])) == tok:
		return false // "1. Open Settings"
	}
	return true
}

// tokenBefore is the word that ends at rs[i]: letters, digits and inner
// dots, without opening quotes or brackets.
func tokenBefore(rs []rune, start, i int) string {
	j := i
	for j > start && !unicode.IsSpace(rs[j-1]) && !strings.ContainsRune(`"'([{«“‘`, rs[j-1]) {
		j--
	}
	return string(rs[j:i])
}

// nextWord is the first rune of the next word after i, or 0 at the end.
func nextWord(rs []rune, i int) rune {
	for ; i < len(rs); i++ {
		if !unicode.IsSpace(rs[i]) && !strings.ContainsRune(`"'([{«“‘¿¡`, rs[i]) {
			return rs[i]
		}
	}
	return 0
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// isDotted tells abbreviations written with inner dots, "a.m" or "u.s":
// segments of one or two letters.
func isDotted(tok string) bool {
	segs := strings.Split(tok, ".")
	if len(segs) < 2 {
		return false
	}
	for _, seg := range segs {
		n := 0
		for _, r := range seg {
			if !unicode.IsLetter(r) {
				return false
			}
			n++
		}
		if n == 0 || n > 2 {
			return false
		}
	}
	return true
}

// trimBullet drops a leading list bullet ("- ", "* ", "• ").
func trimBullet(s string) string {
	for _, b := range []string{"- ", "* ", "• ", "· ", "– ", "— ", "‣ ", "◦ "} {
		if strings.HasPrefix(s, b) {
			return strings.TrimSpace(s[len(b):])
		}
	}
	return s
}

func wordSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

var (
	// abbreviations never end a sentence: titles and "for example" words,
	// in English and the languages customers most often write in.
	abbreviations = wordSet(`mr mrs ms dr prof sr sra srta jr st mt vs approx appt dept fig cf ca incl excl
		e.g i.e z.b u.a d.h bzw ggf evtl inkl sog hr fr p.ex env cca např`)
	// numberAbbreviations do not end a sentence before a number: "No. 5".
	// Months too: "Jan. 5".
	numberAbbreviations = wordSet(`no nr nº núm num art p pp vol ch tel ref jan feb mar apr jun jul aug sep sept oct nov dec`)
	// endingAbbreviations end a sentence only when a capital follows.
	endingAbbreviations = wordSet(`etc usw usf osv inc ltd co corp`)
)
