package intent

import "math"

// known returns how much of a text's feature weight the vocabulary knows,
// per family (0 to 1), combined with the family weights: features never seen
// in the learning phrases count with the highest IDF, so a message that
// shares one common word with the phrases and nothing else scores low.
func (v *vocabulary) known(text string) float64 {
	raw := v.Config.extract(text)
	var in, all [numFamilies]float64
	for _, f := range raw {
		idf := v.unseen
		if i, ok := v.index[f.key]; ok {
			idf = float64(v.IDF[i])
			w := (1 + math.Log(f.count)) * idf
			in[f.family] += w * w
		}
		w := (1 + math.Log(f.count)) * idf
		all[f.family] += w * w
	}
	var num, den float64
	for f := range all {
		if all[f] == 0 {
			continue
		}
		wf := v.Config.Weights[f] * v.Config.Weights[f]
		num += wf * in[f] / all[f]
		den += wf
	}
	if den == 0 {
		return 0
	}
	return math.Sqrt(num / den)
}
