package knowledgetest

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Text writes support-article-like text: each document is about one of
// a few hundred topics, whose words make up part of its sentences; the rest
// is drawn from a shared vocabulary with a Zipf distribution. Queries are a
// few words of a sentence about a topic, as a user would type them.
type Text struct {
	r      *rand.Rand
	zipf   *rand.Zipf
	vocab  []string
	topics [][]string
	topic  int
}

// NewText returns a generator seeded with seed (the same seed writes the same text).
func NewText(seed uint64) *Text {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	common := strings.Fields(`the a to of and you your is in for on can it with this be order account
		if we our are will from at or by as not have when please any after before within into its more`)
	domain := strings.Fields(`refund return shipping delivery parcel tracking invoice payment card password login
		subscription plan upgrade downgrade cancel warranty repair replacement exchange size colour discount coupon
		gift voucher points loyalty address courier customs duty tax receipt email notification app mobile browser
		cookie privacy data export import integration webhook api token workspace team member role admin billing
		trial renewal charge declined fraud chargeback dispute store pickup locker stock backorder preorder bundle`)
	vocab := append([]string{}, common...)
	vocab = append(vocab, domain...)
	syll := []string{"ka", "lo", "mi", "ne", "ru", "ta", "vo", "zi", "pe", "sa", "do", "fi", "gu", "ha", "je", "ko"}
	seen := map[string]bool{}
	for len(vocab) < 8000 {
		n := 2 + r.IntN(3)
		var w strings.Builder
		for i := 0; i < n; i++ {
			w.WriteString(syll[r.IntN(len(syll))])
		}
		if !seen[w.String()] {
			seen[w.String()] = true
			vocab = append(vocab, w.String())
		}
	}
	g := &Text{r: r, zipf: rand.NewZipf(r, 1.1, 2, uint64(len(vocab)-1)), vocab: vocab}
	for i := 0; i < 400; i++ {
		words := make([]string, 30)
		for j := range words {
			words[j] = vocab[len(common)+r.IntN(len(vocab)-len(common))]
		}
		g.topics = append(g.topics, words)
	}
	return g
}

// NewTopic picks the topic of the next document or query.
func (g *Text) NewTopic() { g.topic = g.r.IntN(len(g.topics)) }

// Sentence is one sentence on the current topic.
func (g *Text) Sentence() string {
	n := 8 + g.r.IntN(14)
	words := make([]string, n)
	for i := range words {
		if g.r.IntN(10) < 4 {
			t := g.topics[g.topic]
			words[i] = t[g.r.IntN(len(t))]
		} else {
			words[i] = g.vocab[g.zipf.Uint64()]
		}
	}
	words[0] = strings.ToUpper(words[0][:1]) + words[0][1:]
	return strings.Join(words, " ") + "."
}

// Paragraph is a few sentences on the current topic.
func (g *Text) Paragraph() string {
	n := 3 + g.r.IntN(4)
	s := make([]string, n)
	for i := range s {
		s[i] = g.Sentence()
	}
	return strings.Join(s, " ")
}

// Article is Markdown with a few sections of one or two paragraphs, on a new topic.
func (g *Text) Article() string {
	g.NewTopic()
	var b strings.Builder
	for i := 0; i < 3+g.r.IntN(4); i++ {
		fmt.Fprintf(&b, "## %s\n\n", strings.TrimSuffix(g.Sentence(), "."))
		for j := 0; j < 1+g.r.IntN(2); j++ {
			b.WriteString(g.Paragraph() + "\n\n")
		}
	}
	return b.String()
}

// Query is a few words of a sentence about some topic.
func (g *Text) Query() string {
	g.NewTopic()
	w := strings.Fields(strings.TrimSuffix(g.Sentence(), "."))
	return strings.Join(w[:min(len(w), 4+g.r.IntN(4))], " ")
}
