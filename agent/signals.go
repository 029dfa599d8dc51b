package agent

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/deskmate/deskmate/lang"
)

// The hand-over signals, each scored from 0 to 1 against a threshold. They
// work without a model; a chat model, when there is one, also judges.

// frustrationWords are insults and angry words, in the languages the
// request detector reads.
var frustrationWords = wordSet(
	"ridiculous", "unacceptable", "useless", "pathetic", "terrible", "horrible", "awful", "worst", "scam", "scammers", "fraud",
	"liars", "lying", "incompetent", "disgusting", "disgrace", "joke", "furious", "angry", "outrageous", "shameful", "stupid",
	"idiots", "idiot", "fucking", "fuck", "fucked", "shit", "crap", "damn", "bloody", "wtf", "hell",
	"ridículo", "ridiculo", "inaceptable", "inútil", "inutil", "estafa", "vergüenza", "verguenza", "mierda", "harto", "harta",
	"inadmissible", "inacceptable", "honteux", "arnaque", "escroquerie", "nul", "merde", "marre", "scandaleux",
	"unverschämt", "unverschaemt", "inakzeptabel", "frechheit", "betrug", "lächerlich", "scheiße", "scheisse", "katastrophe",
	"inaccettabile", "vergogna", "truffa", "schifo", "ridicolo",
	"inaceitável", "inaceitavel", "absurdo", "vergonha", "golpe", "palhaçada",
	"belachelijk", "onacceptabel", "schandalig", "oplichters",
)

// frustrationPhrases are angry phrases of more than one word; each weighs
// as one angry word.
var frustrationPhrases = []string{"fed up", "sick of", "sick and tired", "i've had enough", "i have had enough", "ive had enough", "waste of time", "never again",
	"worst service", "rip off", "ripped off", "estoy harta", "estoy harto", "en ai marre", "j'en ai assez", "die nase voll",
	"reicht mir", "sono stufo", "sono stufa", "estou farto", "estou farta", "ben het zat"}

// countedPhrases say the customer has written three times or more, which
// alone is enough ("this is the third time").
var countedPhrases = []string{"third time", "3rd time", "fourth time", "4th time", "fifth time", "tercera vez", "cuarta vez",
	"troisième fois", "quatrième fois", "dritte mal", "vierte mal", "dritten mal", "terza volta", "quarta volta", "terceira vez",
	"quarta vez", "derde keer", "vierde keer"}

// repeatPhrases say the customer has asked before.
var repeatPhrases = []string{"second time", "again and again", "still waiting",
	"still haven't", "still have not", "still not", "still no", "nobody answers", "no one answers", "no answer", "several times",
	"many times", "multiple times", "for weeks", "seit wochen", "depuis des semaines", "desde hace semanas", "da settimane",
	"há semanas", "al weken", "every time", "keep asking", "already told you", "already asked", "asked already", "told you already",
	"otra vez", "todavía no", "encore une fois", "toujours pas", "schon wieder", "immer noch", "ancora", "ainda não", "nog steeds"}

// frustrationScore scores anger in the current message, and in the
// customer's earlier messages (repeated complaints weigh more).
func frustrationScore(current string, earlier []string) (float64, string) {
	score, why := angerOf(current)
	// An upset message after earlier ones is a repeated complaint: each
	// earlier angry message adds 0.2, each calm one 0.1, up to 0.4.
	if score >= 0.3 && len(earlier) > 0 {
		angry := 0
		for _, m := range earlier {
			if s, _ := angerOf(m); s >= 0.3 {
				angry++
			}
		}
		score += min(0.2*float64(angry)+0.1*float64(len(earlier)-angry), 0.4)
		why += fmt.Sprintf("; after %d earlier message(s), %d of them upset", len(earlier), angry)
	}
	return min(score, 1), strings.TrimPrefix(why, "; ")
}

func angerOf(text string) (float64, string) {
	norm := normalise(text)
	var score float64
	var why []string
	insults := 0
	for _, w := range strings.Fields(norm) {
		if frustrationWords.has(w) {
			insults++
			if insults <= 2 {
				why = append(why, w)
			}
		}
	}
	for _, p := range frustrationPhrases {
		if strings.Contains(" "+norm+" ", " "+p+" ") {
			insults++
			why = append(why, p)
		}
	}
	score += 0.35 * float64(min(insults, 3))
	for _, p := range countedPhrases {
		if strings.Contains(" "+norm+" ", " "+p+" ") {
			score += 0.7
			why = append(why, p)
			break
		}
	}
	if score < 0.7 {
		// Two different ways of saying "again" weigh twice.
		found := 0
		for _, p := range repeatPhrases {
			if found < 2 && strings.Contains(" "+norm+" ", " "+p+" ") {
				score += 0.35
				why = append(why, p)
				found++
			}
		}
	}
	if capsShare(text) >= 0.7 {
		score += 0.35
		why = append(why, "all caps")
	}
	if strings.Count(text, "!") >= 3 || strings.Contains(text, "?!") {
		score += 0.15
		why = append(why, "!!!")
	}
	return min(score, 1), strings.Join(why, ", ")
}

// capsShare is the share of capital letters among the letters of words of
// two letters or more, for texts with at least 12 such letters.
func capsShare(text string) float64 {
	letters, upper := 0, 0
	for _, w := range strings.Fields(text) {
		if len([]rune(w)) < 2 {
			continue
		}
		for _, r := range w {
			if unicode.IsLetter(r) {
				letters++
				if unicode.IsUpper(r) {
					upper++
				}
			}
		}
	}
	if letters < 12 {
		return 0
	}
	return float64(upper) / float64(letters)
}

// sensitiveWords mark the default sensitive topics in any workspace,
// besides the examples the workspace gives.
var sensitiveWords = map[string][]string{
	"legal":        {"lawyer", "attorney", "sue", "suing", "lawsuit", "to court", "in court", "court case", "legal action", "abogado", "demanda", "avocat", "procès", "anwalt", "klage", "avvocato", "advogado", "processo", "advocaat", "rechtszaak"},
	"chargeback":   {"chargeback", "charge back", "dispute the charge", "disputed the charge", "bank dispute", "paypal dispute", "dispute with paypal", "reverse the payment", "reverse the charge", "contracargo", "rétrofacturation"},
	"medical":      {"allergic reaction", "hospital", "doctor", "rash", "poisoning", "injured", "injury", "alergia", "hôpital", "krankenhaus", "ospedale"},
	"safety":       {"caught fire", "exploded", "explosion", "burned", "burnt", "electric shock", "smoke", "injured"},
	"data privacy": {"gdpr", "delete my data", "personal data", "data protection", "right to be forgotten", "rgpd", "dsgvo", "datenschutz"},
}

// sensitiveScore finds the workspace topic a message is about: a keyword of
// a default topic, or most of the words of one of the topic's examples.
func sensitiveScore(text string, topics []Topic) (float64, string) {
	norm := normalise(text)
	stems := stemSet(text)
	best, topic := 0.0, ""
	for _, t := range topics {
		name := strings.ToLower(strings.TrimSpace(t.Name))
		for _, k := range sensitiveWords[name] {
			if strings.Contains(" "+norm+" ", " "+k+" ") {
				return 1, t.Name + " (" + k + ")"
			}
		}
		for _, ex := range t.Examples {
			es := stemSet(ex)
			if len(es) < 2 {
				continue
			}
			shared := 0
			for s := range es {
				if stems[s] {
					shared++
				}
			}
			if score := float64(shared) / float64(len(es)); score > best {
				best, topic = score, t.Name+" (like \""+ex+"\")"
			}
		}
	}
	return best, topic
}

// stemSet is the stems of a text's words that are not stopwords.
func stemSet(text string) map[string]bool { return lang.StemSet(text) }

// similarity is the Jaccard similarity of two texts' stems.
func similarity(a, b string) float64 { return lang.Jaccard(stemSet(a), stemSet(b)) }

// repeatedQuestion finds an earlier customer message that Deskmate already
// answered and that the current one repeats.
func repeatedQuestion(c Conversation, idx int) (float64, string) {
	current := c.Messages[idx].Text
	answered := false
	best := 0.0
	for i := idx - 1; i >= 0; i-- {
		m := c.Messages[i]
		switch m.Role {
		case RoleBot:
			answered = true
		case RoleCustomer:
			if answered {
				best = max(best, similarity(current, m.Text))
			}
		}
	}
	if best == 0 {
		return 0, ""
	}
	return best, fmt.Sprintf("%.0f%% like an earlier question Deskmate answered", 100*best)
}
