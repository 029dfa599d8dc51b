package lang

import "unicode"

// script is a writing system. Detect first finds the dominant script, which
// settles the language outright for most non-Latin scripts.
type script uint8

const (
	scriptNone  script = iota // not a letter
	scriptOther               // a letter of a script Detect does not know
	scriptLatin
	scriptCyrillic
	scriptGreek
	scriptArmenian
	scriptHebrew
	scriptArabic
	scriptDevanagari
	scriptBengali
	scriptTamil
	scriptThai
	scriptGeorgian
	scriptHangul
	scriptKana
	scriptHan
	numScripts
)

// scriptOf tells the script of a letter or combining mark. Marks count
// because Indic and Thai vowel signs are marks, not letters; Latin combining
// accents return scriptNone so they add no weight.
func scriptOf(r rune) script {
	switch {
	case r < 0x80:
		if r|0x20 >= 'a' && r|0x20 <= 'z' {
			return scriptLatin
		}
		return scriptNone
	case r < 0x250 || (r >= 0x1E00 && r <= 0x1EFF):
		if unicode.IsLetter(r) {
			return scriptLatin
		}
		return scriptNone
	case r < 0x370:
		return scriptNone // IPA, spacing modifiers, Latin combining accents
	}
	if !unicode.IsLetter(r) && !unicode.IsMark(r) {
		return scriptNone
	}
	switch {
	case r <= 0x3FF || (r >= 0x1F00 && r <= 0x1FFF):
		return scriptGreek
	case r >= 0x400 && r <= 0x52F:
		return scriptCyrillic
	case r >= 0x530 && r <= 0x58F:
		return scriptArmenian
	case r >= 0x590 && r <= 0x5FF:
		return scriptHebrew
	case (r >= 0x600 && r <= 0x6FF) || (r >= 0x750 && r <= 0x77F) || (r >= 0xFB50 && r <= 0xFDFF) || (r >= 0xFE70 && r <= 0xFEFF):
		return scriptArabic
	case r >= 0x900 && r <= 0x97F:
		return scriptDevanagari
	case r >= 0x980 && r <= 0x9FF:
		return scriptBengali
	case r >= 0xB80 && r <= 0xBFF:
		return scriptTamil
	case r >= 0xE00 && r <= 0xE7F:
		return scriptThai
	case (r >= 0x10A0 && r <= 0x10FF) || (r >= 0x1C90 && r <= 0x1CBF):
		return scriptGeorgian
	case (r >= 0x1100 && r <= 0x11FF) || (r >= 0x3130 && r <= 0x318F) || (r >= 0xAC00 && r <= 0xD7AF):
		return scriptHangul
	case (r >= 0x3040 && r <= 0x30FF) || (r >= 0x31F0 && r <= 0x31FF) || (r >= 0xFF66 && r <= 0xFF9F):
		return scriptKana
	case (r >= 0x3400 && r <= 0x4DBF) || (r >= 0x4E00 && r <= 0x9FFF) || (r >= 0xF900 && r <= 0xFAFF) || (r >= 0x20000 && r <= 0x3FFFF):
		return scriptHan
	}
	return scriptOther
}

// scriptWeight makes one character of a dense script count about as much as
// the letters of a short Latin word, so "iPhone 的电池" reads as Chinese.
func scriptWeight(s script) float64 {
	switch s {
	case scriptHan:
		return 3
	case scriptKana, scriptHangul:
		return 2
	}
	return 1
}
