package intent

import (
	"context"
	"math"
	"sort"
)

// heldOut is one message scored by a model that did not learn from it.
type heldOut struct {
	z        []float64 // raw scores over names
	support  float64   // closeness to the nearest learning phrase
	offTopic bool      // one of the built-in off-topic messages
	names    []string  // the scoring model's intents
	gold     int       // index into names; -1: matches none of them
	weight   float64
}

// neverAuto is an AutoAnswer threshold no confidence reaches.
const neverAuto = 1.01

type calibration struct {
	temperature float64
	thresholds  Thresholds
	info        Calibration
}

// calibrate fits the temperature on the held-out messages of known intent,
// then chooses the thresholds: AutoAnswer (with MinMargin) for the largest
// coverage whose answers reach the target precision, Suggest for the best
// accuracy when messages that match no intent count as right only as
// no_match.
func calibrate(all []heldOut, opts Options, source string) calibration {
	// The off-topic messages only set the support gate (chooseMinSupport).
	rows := make([]heldOut, 0, len(all))
	for _, r := range all {
		if !r.offTopic {
			rows = append(rows, r)
		}
	}
	t := fitTemperature(rows)
	type scored struct {
		conf, margin, w float64
		correct, none   bool
	}
	ss := make([]scored, len(rows))
	var total float64
	info := Calibration{Source: source, Temperature: t, HeldOut: len(rows), TargetPrecision: opts.TargetPrecision}
	for i, r := range rows {
		p := probabilities(r.z, t)
		b, s := top2(p)
		ss[i] = scored{conf: p[b], w: r.weight, correct: r.gold >= 0 && b == r.gold, none: r.gold < 0}
		ss[i].margin = p[b]
		if s >= 0 {
			ss[i].margin -= p[s]
		}
		if r.gold < 0 {
			info.HeldOutNoMatch++
		}
		total += r.weight
	}
	sort.SliceStable(ss, func(i, j int) bool { return ss[i].conf > ss[j].conf })
	th := Thresholds{AutoAnswer: neverAuto}
	if total == 0 {
		return calibration{temperature: t, thresholds: th, info: info}
	}

	// AutoAnswer and MinMargin: the precision of the answers, less its
	// sampling error (a one-sided lower bound), must reach the target.
	bestCov := -1.0
	for _, mm := range []float64{0, 0.05, 0.1, 0.2, 0.3, 0.4} {
		var ans, ok, ans2 float64
		for i := 0; i < len(ss); {
			j := i
			for j < len(ss) && ss[j].conf == ss[i].conf {
				if ss[j].margin >= mm {
					ans += ss[j].w
					ans2 += ss[j].w * ss[j].w
					if ss[j].correct {
						ok += ss[j].w
					}
				}
				j++
			}
			// effective sample size of the weighted answers
			if n := ans * ans / math.Max(ans2, 1e-300); n >= 3 && wilsonLower(ok/ans, n) >= opts.TargetPrecision-1e-12 && ans/total > bestCov+1e-12 {
				bestCov = ans / total
				th.AutoAnswer, th.MinMargin = ss[i].conf, mm
				info.Coverage, info.Precision = ans/total, ok/ans
			}
			i = j
		}
	}

	// Suggest: maximise right answers plus right no_matches; every message
	// with a confidence above the threshold gets its best intent.
	var noneTotal float64
	for _, s := range ss {
		if s.none {
			noneTotal += s.w
		}
	}
	var okAbove, noneAbove float64
	bestAcc, best := noneTotal, ss[0].conf // nothing strictly above: all no_match
	for i := 0; i < len(ss); {
		j := i
		for j < len(ss) && ss[j].conf == ss[i].conf {
			if ss[j].correct {
				okAbove += ss[j].w
			}
			if ss[j].none {
				noneAbove += ss[j].w
			}
			j++
		}
		// rows [0, j) answered: the threshold is the next confidence down.
		if acc := okAbove + noneTotal - noneAbove; acc > bestAcc+1e-12 {
			bestAcc, best = acc, 0
			if j < len(ss) {
				best = ss[j].conf
			}
		}
		i = j
	}
	th.Suggest = math.Min(best, th.AutoAnswer)
	th.MinSupport = chooseMinSupport(all, t, th.Suggest)
	return calibration{temperature: t, thresholds: th, info: info}
}

// chooseMinSupport picks the support below which a message is no_match: the
// value that maximises right answers (above Suggest, right intent) plus
// right no_matches over the held-out messages, off-topic ones included.
func chooseMinSupport(rows []heldOut, t, suggest float64) float64 {
	type pt struct {
		support, w  float64
		right, none bool
	}
	pts := make([]pt, 0, len(rows))
	var noneTotal float64
	for _, r := range rows {
		p := probabilities(r.z, t)
		b, _ := top2(p)
		answered := p[b] > suggest
		x := pt{support: r.support, w: r.weight, right: answered && r.gold >= 0 && b == r.gold, none: r.gold < 0}
		if x.none && !r.offTopic {
			// Held-out intents are near the domain: the support gate is
			// for chatter far from it, judged on the off-topic messages.
			continue
		}
		if x.none {
			// answered or not, a none row is right once support rejects it;
			// unanswered ones are right at any support.
			if !answered {
				continue
			}
			noneTotal += x.w
		}
		pts = append(pts, x)
	}
	sort.Slice(pts, func(i, j int) bool { return pts[i].support < pts[j].support })
	// threshold S = pts[k].support: rows below k are rejected.
	var rightAbove float64
	for _, x := range pts {
		if x.right {
			rightAbove += x.w
		}
	}
	best, bestS := rightAbove, 0.0 // S = 0: nothing rejected
	var noneBelow, rightBelow float64
	for k := 0; k < len(pts); {
		j := k
		for j < len(pts) && pts[j].support == pts[k].support {
			if pts[j].none {
				noneBelow += pts[j].w
			}
			if pts[j].right {
				rightBelow += pts[j].w
			}
			j++
		}
		// S just above pts[k].support: rows [0, j) rejected.
		if v := rightAbove - rightBelow + noneBelow; v > best+1e-12 {
			best = v
			bestS = pts[k].support + 1e-9
			if j < len(pts) {
				bestS = (pts[k].support + pts[j].support) / 2
			}
		}
		k = j
	}
	_ = noneTotal
	return bestS
}

const labelSmoothing = 0.02

// fitTemperature minimises the weighted negative log-likelihood of the
// held-out messages of known intent over softmax(z/T), by golden-section
// search on log T.
func fitTemperature(rows []heldOut) float64 {
	nll := func(logT float64) float64 {
		t := math.Exp(logT)
		var s float64
		for _, r := range rows {
			if r.gold < 0 {
				continue
			}
			m := math.Inf(-1)
			for _, v := range r.z {
				m = math.Max(m, v/t)
			}
			var sum, mean float64
			for _, v := range r.z {
				sum += math.Exp(v/t - m)
				mean += v / t
			}
			mean /= float64(len(r.z))
			// cross-entropy against the gold intent smoothed by
			// labelSmoothing, so that a held-out set the model gets all
			// right does not drive the temperature to zero
			lse := m + math.Log(sum)
			s += r.weight * ((1-labelSmoothing)*(lse-r.z[r.gold]/t) + labelSmoothing*(lse-mean))
		}
		return s
	}
	lo, hi := math.Log(0.01), math.Log(100.0)
	g := (math.Sqrt(5) - 1) / 2
	a, b := hi-g*(hi-lo), lo+g*(hi-lo)
	fa, fb := nll(a), nll(b)
	for it := 0; it < 60; it++ {
		if fa < fb {
			hi, b, fb = b, a, fa
			a = hi - g*(hi-lo)
			fa = nll(a)
		} else {
			lo, a, fa = a, b, fb
			b = lo + g*(hi-lo)
			fb = nll(b)
		}
	}
	return math.Exp((lo + hi) / 2)
}

// cvResult holds the held-out messages of a cross-validation.
type cvResult struct {
	rows  []heldOut
	folds int
}

// crossValidate scores every learning phrase with a model trained without
// it (stratified folds: each intent's phrases are dealt round the folds in
// order). With holdIntents, each fold also leaves whole intents out, and
// their phrases come back as messages that match no intent, weighted so they
// make up opts.OutOfScopeShare of the held-out weight.
func crossValidate(ctx context.Context, examples []Example, opts Options, sv *sentenceVectors, folds int, holdIntents bool) (cvResult, error) {
	byIntent := map[string][]int{}
	var names []string
	for i, e := range examples {
		if _, ok := byIntent[e.Intent]; !ok {
			names = append(names, e.Intent)
		}
		byIntent[e.Intent] = append(byIntent[e.Intent], i)
	}
	sort.Strings(names)
	maxPhrases := 0
	for _, idx := range byIntent {
		maxPhrases = max(maxPhrases, len(idx))
	}
	folds = max(2, min(folds, maxPhrases))
	holdIntents = holdIntents && len(names) >= 4
	fold := make([]int, len(examples)) // -1: never held out
	for c, n := range names {
		idx := byIntent[n]
		for j, i := range idx {
			fold[i] = (j + c) % folds
			if len(idx) < 2 {
				fold[i] = -1
			}
		}
	}
	intentFold := func(c int) int {
		if !holdIntents {
			return -1
		}
		return c % folds
	}
	intentIdx := map[string]int{}
	for c, n := range names {
		intentIdx[n] = c
	}

	var res cvResult
	res.folds = folds
	var inW, noneN float64
	var noneRows []int
	for f := 0; f < folds; f++ {
		var train []Example
		var testIdx []int
		for i, e := range examples {
			out := intentFold(intentIdx[e.Intent]) == f
			switch {
			case out:
				testIdx = append(testIdx, i)
			case fold[i] == f:
				testIdx = append(testIdx, i)
			default:
				train = append(train, e)
			}
		}
		if len(testIdx) == 0 {
			continue
		}
		if countIntents(train) < 2 {
			continue
		}
		m, err := fit(ctx, train, opts, sv)
		if err != nil {
			return cvResult{}, err
		}
		for _, i := range testIdx {
			e := examples[i]
			z, sup := m.scoresSupport(e.Text, sv.get(e.Text))
			h := heldOut{z: z, support: sup, names: m.intents, gold: m.intentIndex(e.Intent), weight: 1}
			if h.gold < 0 {
				noneRows = append(noneRows, len(res.rows))
				noneN++
			} else {
				inW++
			}
			res.rows = append(res.rows, h)
		}
		res.rows = append(res.rows, offTopicRows(m, sv, float64(len(testIdx)))...)
	}
	if noneN > 0 {
		w := opts.OutOfScopeShare / (1 - opts.OutOfScopeShare) * inW / noneN
		for _, r := range noneRows {
			res.rows[r].weight = w
		}
	}
	return res, nil
}

func countIntents(ex []Example) int {
	seen := map[string]bool{}
	for _, e := range ex {
		seen[e.Intent] = true
	}
	return len(seen)
}

// wilsonLower is the Wilson score lower bound (z = 1.28, one-sided 90%) of a
// proportion p observed on n messages.
func wilsonLower(p float64, nf float64) float64 {
	const z = 1.28
	d := 1 + z*z/nf
	c := p + z*z/(2*nf)
	r := z * math.Sqrt(p*(1-p)/nf+z*z/(4*nf*nf))
	return (c - r) / d
}
