package lang

import (
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

const (
	maxLanguages = 64
	maxWordBytes = 64 // longer "words" are URLs or noise
	maxGramRunes = 5
	gramWeight   = 0.4
	foldedWeight = 0.7 // a listed word typed without its accents
)

// hit is a language's share of a word or fragment.
type hit struct {
	lang   uint8
	weight float64
}

// The index Detect looks words and fragments up in, built once from
// languages.
var (
	wordHits, gramHits     map[string][]hit
	byScript               [numScripts][]int
	byCode                 map[string]int
	idxSpanish, idxTurkish int
)

func init() {
	if len(languages) > maxLanguages {
		panic("lang: too many languages")
	}
	words := map[string]map[int]float64{}
	grams := map[string]map[int]float64{}
	add := func(m map[string]map[int]float64, key string, lang int, w float64) {
		if m[key] == nil {
			m[key] = map[int]float64{}
		}
		if old, ok := m[key][lang]; !ok || w > old {
			m[key][lang] = w
		}
	}
	byCode = map[string]int{}
	for i, l := range languages {
		byCode[l.code] = i
		byScript[l.script] = append(byScript[l.script], i)
		for _, w := range strings.Fields(l.words) {
			add(words, w, i, 1)
			if l.script == scriptLatin {
				if f := fold(w); f != w {
					add(words, f, i, foldedWeight)
				}
			}
		}
		for _, c := range strings.Fields(l.chars) {
			key, w := weighted(c, 1)
			add(grams, key, i, w)
		}
		for _, g := range strings.Fields(l.grams) {
			key, w := weighted(g, gramWeight)
			if utf8.RuneCountInString(key) > maxGramRunes {
				panic("lang: fragment longer than maxGramRunes: " + key)
			}
			add(grams, key, i, w)
		}
	}
	wordHits, gramHits = shareOut(words), shareOut(grams)
	idxSpanish, idxTurkish = byCode["es"], byCode["tr"]
}

// weighted splits "x=1.5" into "x" and 1.5; a bare "x" weighs def.
func weighted(tok string, def float64) (string, float64) {
	key, w, ok := strings.Cut(tok, "=")
	if !ok {
		return key, def
	}
	f, err := strconv.ParseFloat(w, 64)
	if err != nil {
		panic("lang: bad weight in " + tok)
	}
	return key, f
}

// shareOut divides each key's weight between the languages that list it, so
// a word common to five languages moves none of them much.
func shareOut(m map[string]map[int]float64) map[string][]hit {
	out := make(map[string][]hit, len(m))
	for key, langs := range m {
		hs := make([]hit, 0, len(langs))
		for i, w := range langs {
			hs = append(hs, hit{lang: uint8(i), weight: w / float64(len(langs))})
		}
		sort.Slice(hs, func(a, b int) bool { return hs[a].lang < hs[b].lang })
		out[key] = hs
	}
	return out
}

// fold strips the accents of a Latin-script word ("dónde" → "donde",
// "łódź" → "lodz", "straße" → "strasse").
func fold(w string) string {
	var b strings.Builder
	for _, r := range w {
		if f, ok := foldMap[r]; ok {
			b.WriteString(f)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

var foldMap = func() map[rune]string {
	m := map[rune]string{'ß': "ss", 'æ': "ae", 'œ': "oe"}
	for base, accented := range map[string]string{
		"a": "àáâãäåāăąạảấầẩẫậắằẳẵặ", "c": "çćč", "d": "ďđ", "e": "èéêëēęěẹẻẽếềểễệ", "g": "ğ",
		"i": "ìíîïīıỉịĩ", "l": "ł", "n": "ñńň", "o": "òóôõöøőōọỏốồổỗộớờởỡợơ", "r": "ř", "s": "śšşș",
		"t": "ťţț", "u": "ùúûüūůűụủứừửữựưũ", "y": "ýÿỳỵỷỹ", "z": "źżž",
	} {
		for _, r := range accented {
			m[r] = base
		}
	}
	return m
}()
