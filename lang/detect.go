package lang

import (
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Detect tells the language of a customer message as an ISO 639-1 code
// ("fr", "zh") and a confidence in [0,1], offline and in microseconds.
//
// A script of its own settles most languages (Greek, Hebrew, Thai, Hangul,
// Devanagari...; kana makes Japanese, Han without kana Chinese). Between
// languages sharing a script (Latin, Cyrillic, Arabic) hand-written
// evidence decides: frequent function words, distinctive letters and
// spelling fragments. Confidence is low for short, ambiguous or mixed text.
//
// It returns ("", 0) for text without letters, or Latin text with no
// evidence at all ("xkcd"): the caller then falls back to its default.
// Norwegian is reported as "no" (Bokmål).
func Detect(text string) (code string, confidence float64) {
	var (
		weight [numScripts]float64
		scores [maxLanguages]float64
		buf    [maxWordBytes]byte
		word   = buf[:0]
		full   bool // the word outgrew buf: score none of it
	)
	flush := func() {
		if len(word) > 0 && !full {
			scoreWord(word, &scores)
		}
		word, full = buf[:0], false
	}
	for _, r := range text {
		s := scriptOf(r)
		if s == scriptNone && !unicode.IsMark(r) {
			flush()
			if r == '¿' || r == '¡' {
				scores[idxSpanish] += 2
			}
			continue
		}
		weight[s] += scriptWeight(s)
		if r == 'İ' {
			scores[idxTurkish] += 2 // lower-casing would lose it
		}
		r = unicode.ToLower(r)
		if len(word)+utf8.RuneLen(r) > len(buf) {
			full = true
			continue
		}
		word = utf8.AppendRune(word, r)
	}
	flush()
	return decide(&weight, &scores)
}

// decide picks the dominant script, then the best-scoring language of it.
func decide(weight *[numScripts]float64, scores *[maxLanguages]float64) (string, float64) {
	var total float64
	for s := scriptOther; s < numScripts; s++ {
		total += weight[s]
	}
	if total == 0 {
		return "", 0
	}
	// Japanese writes kanji among its kana; Chinese has no kana at all, so a
	// kana for every six or so Han makes the text Japanese.
	cjk := weight[scriptHan] + weight[scriptKana]
	dom, domWeight := scriptOther, 0.0
	for s := scriptOther; s < numScripts; s++ {
		w := weight[s]
		if s == scriptHan || s == scriptKana {
			w = cjk
		}
		if w > domWeight {
			dom, domWeight = s, w
		}
	}
	if dom == scriptHan || dom == scriptKana {
		dom = scriptHan
		if weight[scriptKana] > 0 && weight[scriptKana]*10 >= weight[scriptHan] {
			dom = scriptKana
		}
	}
	share := domWeight / total
	// Five letters give about half the certainty a sentence gives.
	length := 1 - math.Exp(-domWeight/7)

	cands := byScript[dom]
	switch len(cands) {
	case 0:
		return "", 0
	case 1:
		return languages[cands[0]].code, round(share * length)
	}
	best, second := -1, -1
	for _, i := range cands {
		switch {
		case best < 0 || scores[i] > scores[best]:
			best, second = i, best
		case second < 0 || scores[i] > scores[second]:
			second = i
		}
	}
	b, s := scores[best], max(scores[second], 0) // a negative score is no evidence
	if b <= 0 {
		if dom == scriptLatin {
			return "", 0
		}
		// The script alone: its most common language, barely.
		return languages[cands[0]].code, round(0.25 * share * length)
	}
	margin := (b - s) / b
	strength := 1 - math.Exp(-b/1.5)
	if dom != scriptLatin {
		// The script already narrowed it to two or three languages.
		return languages[best].code, round(share * length * (0.5 + 0.5*margin))
	}
	return languages[best].code, round(share * strength * margin)
}

func round(x float64) float64 { return math.Round(x*1000) / 1000 }

// scoreWord adds the evidence of one lower-case word: the word itself, then
// its letters and fragments padded with '_' at both edges.
func scoreWord(word []byte, scores *[maxLanguages]float64) {
	for _, h := range wordHits[string(word)] {
		scores[h.lang] += h.weight
	}
	var pbuf [maxWordBytes + 2]byte
	p := append(append(append(pbuf[:0], '_'), word...), '_')
	var offs [maxWordBytes + 3]uint8 // rune starts, then len(p)
	n := 0
	for i := range string(p) {
		offs[n] = uint8(i)
		n++
	}
	offs[n] = uint8(len(p))
	for i := 0; i < n; i++ {
		if p[offs[i]] >= utf8.RuneSelf { // single letters: only the non-ASCII ones mark anything
			for _, h := range gramHits[string(p[offs[i]:offs[i+1]])] {
				scores[h.lang] += h.weight
			}
		}
		for k := 2; k <= maxGramRunes && i+k <= n; k++ {
			for _, h := range gramHits[string(p[offs[i]:offs[i+k]])] {
				scores[h.lang] += h.weight
			}
		}
	}
}

// Name is the English name of a language code ("fr" → "French"), ignoring
// case and a region ("pt-BR" → "Portuguese"); "nb" is Norwegian too. It
// returns "" for a code Detect never reports.
func Name(code string) string {
	code = strings.ToLower(code)
	if i := strings.IndexAny(code, "-_"); i >= 0 {
		code = code[:i]
	}
	if code == "nb" {
		code = "no"
	}
	if i, ok := byCode[code]; ok {
		return languages[i].name
	}
	return ""
}

// Supported lists, sorted, the codes Detect can report.
func Supported() []string {
	out := make([]string, len(languages))
	for i, l := range languages {
		out[i] = l.code
	}
	sort.Strings(out)
	return out
}
