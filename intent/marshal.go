package intent

import (
	"bytes"
	"encoding/gob"
	"fmt"
)

// Stored model format. FormatVersion changes when the layout changes;
// FeatureVersion when the same text would give different features (a model
// stored under another feature version must be trained again). A model
// trained with sentence vectors is stored under DenseFeatureVersion, so that
// a Deskmate that cannot use them refuses it rather than matching on half
// its features.
const (
	modelFormat         = "deskmate-intent-model"
	FormatVersion       = 1
	FeatureVersion      = "lexical-v1"
	DenseFeatureVersion = "lexical-v1+sentence-vectors-v1"
)

type snapshot struct {
	Format         string
	Version        int
	FeatureVersion string
	Intents        []string
	Config         featureConfig
	Keys           []uint64
	Family         []uint8
	IDF            []float32
	PhraseStart    []int32 // phrase i's features are [PhraseStart[i], PhraseStart[i+1])
	PhraseIdx      []int32
	PhraseVal      []float32
	Labels         []int32
	Alpha          []float32
	Temperature    float64
	Thresholds     Thresholds
	Calibration    Calibration
	// Embedding names the sentence embedding model, Dense holds the
	// phrases' centred unit sentence vectors, Embedding.Dims each, one after
	// the other, and Center the mean they are centred on
	// (DenseFeatureVersion only).
	Embedding Embedding
	Dense     []float32
	Center    []float32
}

// MarshalBinary encodes the model (gob, versioned) for storage.
func (m *Model) MarshalBinary() ([]byte, error) {
	s := snapshot{
		Format: modelFormat, Version: FormatVersion, FeatureVersion: FeatureVersion,
		Intents: m.intents, Config: m.voc.Config, Keys: m.voc.Keys, Family: m.voc.Family, IDF: m.voc.IDF,
		Labels: m.labels, Alpha: m.alpha, Temperature: m.temperature, Thresholds: m.thresholds, Calibration: m.calibration,
	}
	s.PhraseStart = make([]int32, 0, len(m.phrases)+1)
	for _, p := range m.phrases {
		s.PhraseStart = append(s.PhraseStart, int32(len(s.PhraseIdx)))
		s.PhraseIdx = append(s.PhraseIdx, p.idx...)
		s.PhraseVal = append(s.PhraseVal, p.val...)
	}
	s.PhraseStart = append(s.PhraseStart, int32(len(s.PhraseIdx)))
	if m.dense != nil {
		s.FeatureVersion, s.Embedding, s.Center = DenseFeatureVersion, m.embedding, m.center
		s.Dense = make([]float32, 0, len(m.dense)*m.embedding.Dims)
		for _, v := range m.dense {
			s.Dense = append(s.Dense, v...)
		}
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(&s); err != nil {
		return nil, fmt.Errorf("intent: encode model: %w", err)
	}
	return buf.Bytes(), nil
}

// UnmarshalModel decodes a model stored by MarshalBinary.
func UnmarshalModel(b []byte) (*Model, error) {
	var s snapshot
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&s); err != nil {
		return nil, fmt.Errorf("intent: decode model: %w", err)
	}
	if s.Format != modelFormat {
		return nil, fmt.Errorf("intent: not a stored intent model (format %q)", s.Format)
	}
	if s.Version != FormatVersion {
		return nil, fmt.Errorf("intent: stored model has format version %d, this Deskmate reads %d: train the intents again", s.Version, FormatVersion)
	}
	if s.FeatureVersion != FeatureVersion && s.FeatureVersion != DenseFeatureVersion {
		return nil, fmt.Errorf("intent: stored model uses features %q, this Deskmate computes %q: train the intents again", s.FeatureVersion, FeatureVersion)
	}
	C, F, n := len(s.Intents), len(s.Keys), len(s.Labels)
	if C < 2 || len(s.Family) != F || len(s.IDF) != F || len(s.PhraseStart) != n+1 ||
		len(s.Alpha) != n*C || len(s.PhraseIdx) != len(s.PhraseVal) || s.Temperature <= 0 {
		return nil, fmt.Errorf("intent: stored model is inconsistent")
	}
	m := &Model{
		intents: s.Intents, labels: s.Labels, alpha: s.Alpha,
		temperature: s.Temperature, thresholds: s.Thresholds, calibration: s.Calibration,
		voc: &vocabulary{Config: s.Config, Keys: s.Keys, Family: s.Family, IDF: s.IDF},
	}
	for i := 1; i < len(m.voc.Keys); i++ {
		if m.voc.Keys[i] <= m.voc.Keys[i-1] {
			return nil, fmt.Errorf("intent: stored model is inconsistent")
		}
	}
	for _, l := range s.Labels {
		if l < 0 || int(l) >= C {
			return nil, fmt.Errorf("intent: stored model is inconsistent")
		}
	}
	m.phrases = make([]sparse, n)
	for i := range m.phrases {
		lo, hi := s.PhraseStart[i], s.PhraseStart[i+1]
		if lo < 0 || hi < lo || int(hi) > len(s.PhraseIdx) {
			return nil, fmt.Errorf("intent: stored model is inconsistent")
		}
		p := sparse{idx: s.PhraseIdx[lo:hi:hi], val: s.PhraseVal[lo:hi:hi]}
		for _, f := range p.idx {
			if f < 0 || int(f) >= F {
				return nil, fmt.Errorf("intent: stored model is inconsistent")
			}
		}
		m.phrases[i] = p
	}
	if err := m.readDense(s); err != nil {
		return nil, err
	}
	m.voc.buildIndex()
	m.inv = buildInverted(m.phrases, F)
	return m, nil
}

// readDense takes the sentence vectors of a stored model that has them.
func (m *Model) readDense(s snapshot) error {
	if s.FeatureVersion != DenseFeatureVersion {
		if len(s.Dense) > 0 || len(s.Center) > 0 || s.Embedding != (Embedding{}) {
			return fmt.Errorf("intent: stored model is inconsistent")
		}
		return nil
	}
	e, n := s.Embedding, len(s.Labels)
	if e.Model == "" || e.Dims <= 0 || !(e.Weight > 0 && e.Weight < 1) || len(s.Dense) != n*e.Dims || len(s.Center) != e.Dims {
		return fmt.Errorf("intent: stored model is inconsistent")
	}
	m.embedding, m.center = e, s.Center
	m.dense = make([][]float32, n)
	for i := range m.dense {
		m.dense[i] = s.Dense[i*e.Dims : (i+1)*e.Dims : (i+1)*e.Dims]
	}
	return nil
}
