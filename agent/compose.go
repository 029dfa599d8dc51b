package agent

import (
	"math"
	"sort"
	"strings"

	"github.com/deskmate/deskmate/knowledge"
	"github.com/deskmate/deskmate/lang"
)

// Knowledge answers without a model: Deskmate replies only when the search is
// sure its best document answers, and then with the sentences of that
// document's best chunk that answer the question, citing it.

const (
	// answerThreshold is the retrieval confidence from which the built-in
	// provider answers; below it, it hands over (knowledge gap).
	answerThreshold = 0.72
	// reviewThreshold: answers below it ask a person to check them.
	reviewThreshold = 0.85
	// maxAnswerRunes bounds an extracted answer.
	maxAnswerRunes = 700
)

// candidate is one document the search found, represented by its best
// chunk, with the features the reranker reads and its probability of
// answering the question.
type candidate struct {
	result   knowledge.SearchResult
	features [len(candidateFeatures)]float64
	p        float64
}

// candidateFeatures name a candidate's features, in order:
//   - vector, text, fused: the search's scores (cosine, ts_rank×10, RRF×10);
//   - rank: 1/rank of the document in the search's order;
//   - title_cov, title_recall: share of the question's stems in the title,
//     and of the title's stems in the question (FAQ titles are questions);
//   - body_cov: share of the question's stems in the chunk;
//   - title_extra: share of the title's stems the question lacks;
//   - idf_title_cov, idf_body_cov: the same coverages weighted by how rare
//     each stem is in the workspace's knowledge (TermStats);
//   - idf_missing: the IDF weight of the question stems the chunk lacks;
//   - max_missing: the rarest stem the chunk lacks (IDF/5).
var candidateFeatures = [...]string{"vector", "text", "fused", "rank", "title_cov", "title_recall", "body_cov", "title_extra",
	"idf_title_cov", "idf_body_cov", "idf_missing", "max_missing"}

// confidence is how sure Deskmate is that the best candidate answers, with
// the features it was computed from.
type confidence struct {
	value    float64
	features map[string]float64
}

// The reranker and the confidence are logistic models fitted on an open FAQ
// set (stackfaq: 63 articles, 630 paraphrased questions), with a third of
// the articles held out so that "nothing answers" is learned too, across
// five hold-out seeds and checked on questions of articles not used for
// fitting. See docs/evaluation.md to refit them from `deskmate eval answers
// --details`.
var (
	rerankBias    = -4.24
	rerankWeights = [len(candidateFeatures)]float64{4.68, 0.935, 0.0516, 4.15, -1.53, 1.05, -1.57, -3.23, 3.25, 1.17, -3.35, 2.85}
	// confidenceWeights apply to the best candidate's probability, its lead
	// over the second, then its features.
	confidenceBias    = -0.477
	confidenceWeights = [2 + len(candidateFeatures)]float64{-0.547, 4.38, 3.03, 1.09, 0.159, -2.42, -0.805, 1.14, -0.759, -1.13, 1.64, 0.832, -0.82, 0.853}
)

// rankCandidates turns search results into candidate documents, most likely
// to answer first.
func rankCandidates(query string, results []knowledge.SearchResult, terms *knowledge.TermStats) []candidate {
	q := questionStems(query)
	qWeight := 0.0
	for w := range q {
		qWeight += terms.IDF(w)
	}
	seen := map[int64]bool{}
	var out []candidate
	for _, r := range results {
		if seen[r.DocumentID] {
			continue
		}
		seen[r.DocumentID] = true
		c := candidate{result: r}
		title, body := stemSet(r.Title), stemSet(r.TitlePath+"\n"+r.Text)
		inTitle, inBody, missing, maxMissing := 0.0, 0.0, 0.0, 0.0
		nTitle, nBody := 0, 0
		for w := range q {
			idf := terms.IDF(w)
			if title[w] {
				nTitle++
				inTitle += idf
			}
			if body[w] {
				nBody++
				inBody += idf
			} else {
				missing += idf
				maxMissing = math.Max(maxMissing, idf)
			}
		}
		extra := 0
		for w := range title {
			if !q[w] {
				extra++
			}
		}
		c.features = [len(candidateFeatures)]float64{r.VectorScore, 10 * r.TextScore, 10 * r.Score, 1 / float64(len(out)+1),
			ratio(nTitle, len(q)), ratio(nTitle, len(title)), ratio(nBody, len(q)), ratio(extra, len(title)),
			share(inTitle, qWeight), share(inBody, qWeight), share(missing, qWeight), maxMissing / 5}
		z := rerankBias
		for i, f := range c.features {
			z += rerankWeights[i] * f
		}
		c.p = logistic(z)
		out = append(out, c)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].p > out[j].p })
	return out
}

// answerConfidence is how sure Deskmate is that the first candidate answers.
func answerConfidence(cands []candidate) confidence {
	f := map[string]float64{}
	if len(cands) == 0 {
		return confidence{features: f}
	}
	top := cands[0]
	lead := top.p
	if len(cands) > 1 {
		lead -= cands[1].p
	}
	x := append([]float64{top.p, lead}, top.features[:]...)
	z := confidenceBias
	for i, v := range x {
		z += confidenceWeights[i] * v
	}
	f["rerank"], f["lead"] = round3(top.p), round3(lead)
	for i, name := range candidateFeatures {
		f[name] = round3(top.features[i])
	}
	return confidence{value: logistic(z), features: f}
}

// questionWords are words of how customers ask, not of what they ask about
// ("how long", "can you tell me", "I need"): left out of a question's stems.
var questionWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`how what when where why which who whom whose long many much often soon help know tell
		wonder wondering question questions need needs want wants like get getting got hey hi hello thank thanks please regard
		regards kind kindly possible way ask asking anyone someone somebody`) {
		m[lang.Stem(w)] = true
	}
	return m
}()

// questionStems are the stems of what a question is about.
func questionStems(query string) map[string]bool {
	q := stemSet(query)
	for w := range q {
		if questionWords[w] {
			delete(q, w)
		}
	}
	return q
}

func logistic(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

func ratio(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

func share(part, whole float64) float64 {
	if whole == 0 {
		return 0
	}
	return part / whole
}

// extractAnswer picks the sentences of a chunk that answer the query: the
// best sentence by shared words, with its neighbours while they fit, in the
// chunk's order, and the source. Nothing is written that the chunk does not
// say.
func extractAnswer(query string, r knowledge.SearchResult, language string) string {
	text := strings.TrimSpace(r.Text)
	if text == "" {
		return ""
	}
	sentences := lang.Sentences(text)
	if len(sentences) == 0 {
		return ""
	}
	q := stemSet(query)
	best, bestScore := 0, -1.0
	for i, s := range sentences {
		// A question restated in an FAQ answers nothing: skip it.
		if strings.HasSuffix(strings.TrimSpace(s), "?") && i == 0 && len(sentences) > 1 {
			continue
		}
		ss := stemSet(s)
		shared := 0
		for w := range q {
			if ss[w] {
				shared++
			}
		}
		score := float64(shared) / math.Sqrt(float64(len(ss)+1))
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	from, to := best, best+1
	length := len([]rune(sentences[best]))
	// Grow forward first (an answer usually follows its first sentence),
	// then backward, within the length budget.
	for to < len(sentences) && length+len([]rune(sentences[to])) <= maxAnswerRunes && to-from < 4 {
		length += len([]rune(sentences[to]))
		to++
	}
	for from > 0 && !strings.HasSuffix(strings.TrimSpace(sentences[from-1]), "?") &&
		length+len([]rune(sentences[from-1])) <= maxAnswerRunes && to-from < 4 {
		from--
		length += len([]rune(sentences[from]))
	}
	answer := strings.Join(sentences[from:to], " ")
	if len([]rune(answer)) > maxAnswerRunes {
		answer = string([]rune(answer)[:maxAnswerRunes-1]) + "…"
	}
	source := r.Title
	if r.URL != "" {
		source += " (" + r.URL + ")"
	}
	if source != "" {
		answer += "\n\n" + sourceLabel(language) + ": " + source
	}
	return answer
}

// sourceLabel is the word that introduces a reply's source.
func sourceLabel(language string) string {
	if l, ok := map[string]string{"de": "Quelle", "es": "Fuente", "it": "Fonte", "pt": "Fonte", "nl": "Bron"}[language]; ok {
		return l
	}
	return "Source"
}
