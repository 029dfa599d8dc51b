package intent

import (
	"context"
	"sort"
)

// Quality is the cross-validated quality of a set of intents, measured on
// the learning phrases alone: every phrase is matched by a model that did not
// learn from it.
type Quality struct {
	Folds    int     `json:"folds"`
	Examples int     `json:"examples"`
	Accuracy float64 `json:"accuracy"` // share of held-out phrases whose best intent is right
	// PerIntent is sorted by intent name.
	PerIntent []IntentQuality `json:"per_intent"`
	// Confusions are pairs of intents mistaken for each other, most often
	// first; a pair at the top usually needs clearer phrases, or a merge.
	Confusions []Confusion `json:"confusions"`
	// Thresholds are the ones Train would choose by cross-validation, and
	// Calibration what they achieved on the held-out phrases.
	Thresholds  Thresholds  `json:"thresholds"`
	Calibration Calibration `json:"calibration"`
}

// IntentQuality is one intent's held-out precision and recall.
type IntentQuality struct {
	Intent    string  `json:"intent"`
	Phrases   int     `json:"phrases"`
	HeldOut   int     `json:"held_out"`  // phrases scored by a model without them
	Predicted int     `json:"predicted"` // held-out phrases (of any intent) matched to it
	Correct   int     `json:"correct"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
}

// Confusion counts held-out phrases of one intent matched to the other, both
// ways.
type Confusion struct {
	A     string `json:"a"`
	B     string `json:"b"`
	AasB  int    `json:"a_as_b"`
	BasA  int    `json:"b_as_a"`
	Count int    `json:"count"`
}

// CrossValidate measures the quality of examples by stratified k-fold
// cross-validation (deterministic). folds <= 0 uses opts.Folds.
func CrossValidate(ctx context.Context, examples []Example, opts Options, folds int) (Quality, error) {
	opts = opts.withDefaults()
	if folds <= 0 {
		folds = opts.Folds
	}
	if err := validate(examples); err != nil {
		return Quality{}, err
	}
	sv, err := embedTexts(ctx, opts, examples, offTopic)
	if err != nil {
		return Quality{}, err
	}
	cv, err := crossValidate(ctx, examples, opts, sv, folds, false)
	if err != nil {
		return Quality{}, err
	}
	q := Quality{Folds: cv.folds, Examples: len(examples)}
	per := map[string]*IntentQuality{}
	get := func(n string) *IntentQuality {
		if per[n] == nil {
			per[n] = &IntentQuality{Intent: n}
		}
		return per[n]
	}
	for _, e := range examples {
		get(e.Intent).Phrases++
	}
	type pair struct{ a, b string }
	conf := map[pair]int{}
	var held, ok int
	for _, r := range cv.rows {
		if r.gold < 0 {
			continue
		}
		best, _ := top2(r.z)
		gold, pred := r.names[r.gold], r.names[best]
		held++
		get(gold).HeldOut++
		get(pred).Predicted++
		if best == r.gold {
			ok++
			get(gold).Correct++
		} else {
			conf[pair{gold, pred}]++
		}
	}
	if held > 0 {
		q.Accuracy = float64(ok) / float64(held)
	}
	for _, iq := range per {
		if iq.Predicted > 0 {
			iq.Precision = float64(iq.Correct) / float64(iq.Predicted)
		}
		if iq.HeldOut > 0 {
			iq.Recall = float64(iq.Correct) / float64(iq.HeldOut)
		}
		q.PerIntent = append(q.PerIntent, *iq)
	}
	sort.Slice(q.PerIntent, func(i, j int) bool { return q.PerIntent[i].Intent < q.PerIntent[j].Intent })
	done := map[pair]bool{}
	for p := range conf {
		a, b := p.a, p.b
		if b < a {
			a, b = b, a
		}
		if done[pair{a, b}] {
			continue
		}
		done[pair{a, b}] = true
		c := Confusion{A: a, B: b, AasB: conf[pair{a, b}], BasA: conf[pair{b, a}]}
		c.Count = c.AasB + c.BasA
		q.Confusions = append(q.Confusions, c)
	}
	sort.Slice(q.Confusions, func(i, j int) bool {
		ci, cj := q.Confusions[i], q.Confusions[j]
		if ci.Count != cj.Count {
			return ci.Count > cj.Count
		}
		if ci.A != cj.A {
			return ci.A < cj.A
		}
		return ci.B < cj.B
	})

	// Thresholds as Train chooses them.
	thr := cv
	if countIntents(examples) >= 4 {
		if thr, err = crossValidate(ctx, examples, opts, sv, folds, true); err != nil {
			return Quality{}, err
		}
	}
	cal := calibrate(thr.rows, opts, "cross-validation")
	q.Thresholds, q.Calibration = cal.thresholds, cal.info
	return q, nil
}
