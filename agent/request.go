package agent

import (
	"strings"
	"unicode"
)

// Asking for a person: a contact verb near a person word ("can I talk to a
// human", "transfer me to an agent"), a wish for a person ("I want a real
// person"), or a person word alone ("agent please"). The word lists cover
// English, Spanish, French, German, Italian, Portuguese and Dutch; words of
// five letters or more also match with one typo, as customers type fast.

var contactVerbs = wordSet(
	// en
	"talk", "talking", "speak", "speaking", "spoke", "chat", "chatting", "contact", "contacting", "connect", "connecting",
	"reach", "transfer", "forward", "escalate", "call", "phone", "direct", "redirect", "route",
	// es
	"hablar", "comunicarme", "contactar", "pasame", "pásame", "transferir", "transfiere", "comunicar",
	// fr
	"parler", "joindre", "contacter", "passer", "transférer", "transferer", "discuter",
	// de
	"sprechen", "reden", "verbinden", "kontaktieren", "erreichen", "weiterleiten", "chatten",
	// it
	"parlare", "contattare", "passami", "trasferire", "chattare",
	// pt
	"falar", "conversar", "contatar", "contactar", "transferir",
	// nl
	"spreken", "praten", "contact", "doorverbinden", "bellen",
)

// reachVerbs only reach someone ("contact customer service" may be a
// question about opening hours): after them, a service counts for little.
var reachVerbs = wordSet("contact", "contacting", "reach", "call", "phone", "contactar", "contacter", "joindre", "kontaktieren",
	"erreichen", "contattare", "contatar", "bellen")

// callVerbs ask Deskmate to phone someone ("call someone for me"), not to
// hand the conversation over.
var callVerbs = wordSet("call", "phone", "bellen")

// strongPersonWords ask for a person even without a contact verb ("I want
// a human", "agent please").
var strongPersonWords = wordSet("human", "person", "agent", "representative", "rep", "operator", "humano", "persona", "agente",
	"representante", "operador", "humain", "personne", "conseiller", "mensch", "menschen", "mitarbeiter", "umano", "operatore",
	"pessoa", "atendente", "mens", "medewerker", "persoon")

// notPersonWords look like person words but are not ("personal" is one
// letter from the Spanish "persona").
var notPersonWords = wordSet("personal", "personally", "personals", "personality", "agency", "agenda", "humane", "humanity",
	"advise", "advised", "persons")

// transferVerbs also move money ("a transfer to someone"): they need a clear
// person word and no money nearby.
var transferVerbs = wordSet("transfer", "forward", "direct", "redirect", "route", "transferir", "transférer", "transferer",
	"weiterleiten", "trasferire")

// moneyWords mark a transfer of money.
var moneyWords = wordSet("money", "funds", "payment", "account", "transferred", "bank", "card", "dinero", "argent", "geld", "soldi", "dinheiro")

// shortWords may stand beside a person word in a short request ("agent
// please", "a real human now").
var shortWords = wordSet("please", "pls", "plz", "a", "an", "the", "real", "live", "now", "i", "want", "need", "me", "talk", "speak",
	"to", "with", "can", "get", "hi", "hello", "ok", "por", "favor", "s'il", "vous", "plaît", "plait", "bitte", "per", "un", "una",
	"une", "ein", "einen", "quiero", "veux", "will", "möchte")

// identityOpeners start questions about who Deskmate is ("are you a real
// person?"), which are not requests.
var identityOpeners = []string{"are you", "am i talking", "am i speaking", "am i chatting", "is this a", "is this an",
	"if you are", "if i am talking", "whether you are", "you are a", "you're a", "are u", "you be a"}

// personWords are the people a customer asks for. "someone" and similar
// count only next to a contact verb ("talk to someone"), never alone.
var personWords = wordSet(
	// en
	"human", "humans", "person", "people", "agent", "agents", "representative", "rep", "operator", "staff",
	"employee", "manager", "supervisor", "assistant", "advisor", "adviser", "consultant", "associate",
	// es
	"humano", "persona", "agente", "representante", "operador", "operadora", "asesor", "asesora", "encargado", "supervisor",
	// fr
	"humain", "personne", "agent", "conseiller", "conseillère", "conseillere", "opérateur", "operateur", "responsable", "interlocuteur",
	// de
	"mensch", "menschen", "mitarbeiter", "mitarbeiterin", "berater", "beraterin", "kundenberater", "ansprechpartner", "person",
	// it
	"umano", "persona", "operatore", "operatrice", "consulente", "addetto",
	// pt
	"humano", "pessoa", "atendente", "agente", "representante", "operador",
	// nl
	"mens", "medewerker", "persoon", "iemand",
)

// someoneWords mean a person only after a contact verb.
var someoneWords = wordSet("someone", "somebody", "anyone", "anybody", "alguien", "quelqu'un", "quelquun", "jemand", "jemandem",
	"qualcuno", "alguém", "alguem", "iemand")

// serviceWords after a contact verb ("speak to customer service", "the
// support team") also ask for people.
var serviceWords = wordSet("service", "support", "team", "servicio", "atención", "atencion", "soporte", "équipe", "equipe",
	"kundenservice", "kundendienst", "support", "servizio", "assistenza", "suporte", "atendimento", "klantenservice")

// botWords are what a customer wants to get away from ("not a bot").
var botWords = wordSet("bot", "robot", "machine", "ai", "automated", "chatbot", "máquina", "maquina", "roboter", "macchina")

// Phrases that ask for a person on their own, after normalising (lower case,
// single spaces).
var requestPhrases = []string{
	"real person", "live person", "live agent", "real human", "actual person", "actual human", "human agent",
	"transfer me", "put me through", "escalate this", "escalate my", "escalate it",
	"persona real", "una persona de verdad", "un humano", "hablar con alguien",
	"vraie personne", "un humain", "vrai humain", "être humain", "etre humain",
	"echten menschen", "echter mensch", "einen menschen", "mit jemandem",
	"persona vera", "persona reale", "essere umano",
	"pessoa real", "ser humano", "falar com alguém", "falar com alguem",
	"echte persoon", "echt mens", "een mens",
}

// wishVerbs followed (closely) by a person word ask for one: "I want a human".
var wishVerbs = wordSet("want", "need", "get", "give", "demand", "request", "require", "wanna", "quiero", "necesito", "veux", "voudrais",
	"souhaite", "möchte", "mochte", "brauche", "voglio", "vorrei", "quero", "preciso", "wil", "wilt")

// RequestScore scores how clearly a message asks for a person, from 0 to 1,
// with the words that decided it.
func RequestScore(text string) (float64, string) {
	norm := normalise(text)
	words := strings.Fields(norm)
	if len(words) == 0 {
		return 0, ""
	}
	padded := " " + norm + " "
	for _, o := range identityOpeners {
		if strings.HasPrefix(padded, " "+o+" ") || strings.Contains(padded, " "+o+" ") {
			return 0.3, o
		}
	}
	for _, p := range requestPhrases {
		i := strings.Index(padded, " "+p+" ")
		if i < 0 {
			continue
		}
		before := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSpace(padded[:i]), " a"), " an")
		if !strings.HasSuffix(before, "like") { // "act like a real person"
			return 0.95, p
		}
	}
	// A person word alone, or with please: "agent", "human please".
	if len(words) <= 4 {
		person, others := "", true
		for _, w := range words {
			switch {
			case isStrongPerson(w):
				person = w
			case !shortWords.has(w):
				others = false
			}
		}
		if person != "" && others {
			return 0.85, person
		}
	}
	money := false
	for _, w := range words {
		money = money || moneyWords.has(w)
	}
	best, evidence := 0.0, ""
	for i, w := range words {
		verb := contactVerbs.matchFuzzy(w)
		if verb == "" && i+1 < len(words) && (words[i+1] == "to" || words[i+1] == "with") && talkTypo(w) {
			verb = "talk"
		}
		wish := wishVerbs.has(w)
		if verb == "" && !wish {
			continue
		}
		window := words[i+1 : min(len(words), i+6)]
		for j, x := range window {
			x = strings.TrimPrefix(strings.TrimPrefix(x, "with"), "to") // "tosomebody"
			prev := words[i+j]                                          // the word before x
			if prev == "this" || prev == "that" || prev == "in" {       // "this person", "in person"
				continue
			}
			if transferVerbs.has(verb) && (money || !isStrongPerson(x) || x == "person") {
				continue
			}
			if callVerbs.has(verb) && isPerson(x) && !isStrongPerson(x) { // "call an uber for 2 people"
				continue
			}
			switch {
			case verb != "" && (isPerson(x) || splitPerson(x)):
				if 0.9 > best {
					best, evidence = 0.9, w+" … "+x
				}
			case verb == "" && isStrongPerson(x):
				// "I need an agent" is a request; farther away, less sure.
				if score := 0.8 - 0.1*float64(j); score > best {
					best, evidence = score, w+" … "+x
				}
			case verb != "" && (someoneWords.has(x) || someoneWords.matchFuzzy(x) != ""):
				score := 0.85
				if callVerbs.has(verb) {
					score = 0.45
				}
				if score > best {
					best, evidence = score, w+" … "+x
				}
			case verb != "" && serviceWords.has(x) && j <= 3:
				score := 0.7
				if reachVerbs.has(verb) {
					score = 0.4
				}
				if score > best {
					best, evidence = score, w+" … "+x
				}
			case verb == "" && botWords.has(x) && j <= 2 && i > 0 && (words[i-1] == "not" || words[i-1] == "no"):
				if 0.6 > best {
					best, evidence = 0.6, words[i-1]+" "+w+" "+x
				}
			}
		}
	}
	// "not a bot", "no more bots", "stop the robot".
	for i, w := range words {
		if botWords.has(w) && i > 0 {
			prev := words[max(0, i-3):i]
			for _, p := range prev {
				if p == "not" || p == "no" || p == "stop" || p == "enough" || p == "hate" || p == "instead" {
					if 0.75 > best {
						best, evidence = 0.75, p+" … "+w
					}
				}
			}
		}
	}
	return best, evidence
}

func isPerson(w string) bool {
	return !notPersonWords.has(w) && personWords.matchFuzzy(w) != ""
}

func isStrongPerson(w string) bool {
	if notPersonWords.has(w) {
		return false
	}
	m := personWords.matchFuzzy(w)
	return m != "" && strongPersonWords.has(m)
}

// talkTypo reports a typo of talk, chat or speak ("talkk", "chay", "taok"):
// trusted only before "to" or "with".
func talkTypo(w string) bool {
	for _, v := range []string{"talk", "chat", "speak"} {
		if w != v && w[0] == v[0] && oneEdit(w, v) {
			return true
		}
	}
	return false
}

// splitPerson finds a person word glued to another ("bloodyperson").
func splitPerson(w string) bool {
	for _, p := range []string{"person", "agent", "human", "operator"} {
		if len(w) > len(p)+2 && strings.HasSuffix(w, p) {
			return true
		}
	}
	return false
}

// normalise lower-cases text, keeps letters, digits and apostrophes, and
// single-spaces it.
func normalise(text string) string {
	var b strings.Builder
	space := true
	for _, r := range strings.ToLower(text) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'':
			b.WriteRune(r)
			space = false
		case r == '’':
			b.WriteRune('\'')
			space = false
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	return strings.TrimSpace(b.String())
}

// words is a set of lower-case words.
type words map[string]bool

func wordSet(ws ...string) words {
	out := words{}
	for _, w := range ws {
		out[w] = true
	}
	return out
}

func (s words) has(w string) bool { return s[w] }

// matchFuzzy returns the set word w is, or is one typo away from (for words
// of five letters or more), "" when none.
func (s words) matchFuzzy(w string) string {
	if s[w] {
		return w
	}
	if len([]rune(w)) < 5 {
		return ""
	}
	for x := range s {
		// Typos rarely hit the first letter; requiring it keeps "demand"
		// from being the German "jemand".
		if len([]rune(x)) >= 5 && w[0] == x[0] && oneEdit(w, x) {
			return x
		}
	}
	return ""
}

// oneEdit reports whether a and b differ by one insertion, deletion,
// substitution or transposition of adjacent letters.
func oneEdit(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) < len(rb) {
		ra, rb = rb, ra
	}
	switch len(ra) - len(rb) {
	case 0:
		diff := []int{}
		for i := range ra {
			if ra[i] != rb[i] {
				diff = append(diff, i)
				if len(diff) > 2 {
					return false
				}
			}
		}
		switch len(diff) {
		case 1:
			return true
		case 2:
			i, j := diff[0], diff[1]
			return j == i+1 && ra[i] == rb[j] && ra[j] == rb[i]
		}
		return false
	case 1:
		i := 0
		for i < len(rb) && ra[i] == rb[i] {
			i++
		}
		return string(ra[i+1:]) == string(rb[i:])
	}
	return false
}

// splitWords splits on anything that is not a letter or digit.
func splitWords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// requestThreshold is the RequestScore from which a message asks for a person.
const requestThreshold = 0.5

// RequestsPerson reports whether a message asks to talk to a person.
func RequestsPerson(text string) bool {
	score, _ := RequestScore(text)
	return score >= requestThreshold
}
