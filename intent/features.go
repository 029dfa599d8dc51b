package intent

import (
	"hash/fnv"
	"math"
	"sort"

	"github.com/deskmate/deskmate/lang"
)

// Feature families. Each family is TF-IDF weighted and L2-normalised on its
// own, then scaled by its weight, and the whole vector is L2-normalised.
const (
	famWord   = iota // stemmed word
	famBigram        // pair of adjacent stemmed words
	famChar          // character n-gram inside a word (typos, morphology)
	famPrefix        // first letters of a word (a second, coarser stem)
	numFamilies
)

// featureConfig tunes the featurizer. It is stored with a model so that the
// same text always gives the same vector.
type featureConfig struct {
	Weights  [numFamilies]float64
	CharMin  int // smallest character n-gram
	CharMax  int // largest character n-gram
	PrefixN  int // prefix length for famPrefix (0: off)
	StopChar bool
}

func defaultFeatureConfig() featureConfig {
	return featureConfig{
		Weights: [numFamilies]float64{famWord: 1, famBigram: 0.6, famChar: 1, famPrefix: 0.5},
		CharMin: 3, CharMax: 5, PrefixN: 5,
	}
}

// rawFeature is a feature key with its raw term count.
type rawFeature struct {
	key    uint64
	family uint8
	count  float64
}

func hashKey(family byte, s string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte{family, ':'})
	_, _ = h.Write([]byte(s))
	return h.Sum64()
}

// extract returns the distinct features of a text with their counts,
// sorted by key.
func (c *featureConfig) extract(text string) []rawFeature {
	words := lang.Words(text)
	counts := map[uint64]*rawFeature{}
	add := func(fam uint8, s string) {
		if c.Weights[fam] == 0 {
			return
		}
		k := hashKey(fam, s)
		if f, ok := counts[k]; ok {
			f.count++
			return
		}
		counts[k] = &rawFeature{key: k, family: fam, count: 1}
	}
	stems := make([]string, len(words))
	for i, w := range words {
		stems[i] = lang.Stem(w)
		add(famWord, stems[i])
	}
	for i := 0; i+1 < len(stems); i++ {
		add(famBigram, stems[i]+" "+stems[i+1])
	}
	for _, w := range words {
		if !c.StopChar && lang.IsStopword(w) {
			continue
		}
		rs := []rune("<" + w + ">")
		for n := c.CharMin; n <= c.CharMax; n++ {
			for i := 0; i+n <= len(rs); i++ {
				add(famChar, string(rs[i:i+n]))
			}
		}
		if c.PrefixN > 0 && !lang.IsStopword(w) {
			wr := []rune(w)
			if len(wr) > c.PrefixN {
				wr = wr[:c.PrefixN]
			}
			add(famPrefix, string(wr))
		}
	}
	out := make([]rawFeature, 0, len(counts))
	for _, f := range counts {
		out = append(out, *f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out
}

// sparse is a sparse vector: feature indices ascending, with values.
type sparse struct {
	idx []int32
	val []float32
}

// vocabulary maps feature keys seen in the learning phrases to indices,
// with their inverse document frequency.
type vocabulary struct {
	Config featureConfig
	Keys   []uint64 // sorted; index = position
	Family []uint8
	IDF    []float32
	index  map[uint64]int32
	unseen float64 // IDF a feature no learning phrase has would get
}

func buildVocabulary(cfg featureConfig, texts []string) *vocabulary {
	df := map[uint64]int{}
	fam := map[uint64]uint8{}
	for _, t := range texts {
		for _, f := range cfg.extract(t) {
			df[f.key]++
			fam[f.key] = f.family
		}
	}
	v := &vocabulary{Config: cfg}
	for k := range df {
		v.Keys = append(v.Keys, k)
	}
	sort.Slice(v.Keys, func(i, j int) bool { return v.Keys[i] < v.Keys[j] })
	n := float64(len(texts))
	v.Family = make([]uint8, len(v.Keys))
	v.IDF = make([]float32, len(v.Keys))
	for i, k := range v.Keys {
		v.Family[i] = fam[k]
		v.IDF[i] = float32(math.Log((1+n)/(1+float64(df[k]))) + 1)
	}
	v.buildIndex()
	return v
}

func (v *vocabulary) buildIndex() {
	v.index = make(map[uint64]int32, len(v.Keys))
	maxIDF := 1.0
	for i, k := range v.Keys {
		v.index[k] = int32(i)
		maxIDF = max(maxIDF, float64(v.IDF[i]))
	}
	// df = 1 gives log((1+n)/2)+1; df = 0 would give log(1+n)+1.
	v.unseen = maxIDF + math.Ln2
}

// vector featurizes a text: features outside the vocabulary are dropped.
func (v *vocabulary) vector(text string) sparse {
	raw := v.Config.extract(text)
	type entry struct {
		i   int32
		fam uint8
		w   float64
	}
	es := make([]entry, 0, len(raw))
	var famNorm [numFamilies]float64
	for _, f := range raw {
		i, ok := v.index[f.key]
		if !ok {
			continue
		}
		w := (1 + math.Log(f.count)) * float64(v.IDF[i])
		es = append(es, entry{i, f.family, w})
		famNorm[f.family] += w * w
	}
	var total float64
	for f := range famNorm {
		if famNorm[f] > 0 {
			famNorm[f] = v.Config.Weights[f] / math.Sqrt(famNorm[f])
			total += v.Config.Weights[f] * v.Config.Weights[f]
		}
	}
	sort.Slice(es, func(a, b int) bool { return es[a].i < es[b].i })
	out := sparse{idx: make([]int32, len(es)), val: make([]float32, len(es))}
	if total == 0 {
		return sparse{}
	}
	scale := 1 / math.Sqrt(total)
	for k, e := range es {
		out.idx[k] = e.i
		out.val[k] = float32(e.w * famNorm[e.fam] * scale)
	}
	return out
}
