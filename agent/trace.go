package agent

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// TraceVersion is the format of the trace.
const TraceVersion = 1

// Trace records what each step of a run saw and decided. It holds ids and
// hashes of the messages, not their text, and never a secret.
type Trace struct {
	Version       int               `json:"version"`
	ConfigVersion string            `json:"config_version"`
	Input         TraceInput        `json:"input"`
	Language      LanguageTrace     `json:"language"`
	Signals       []Signal          `json:"signals"`
	Automation    *AutomationTrace  `json:"automation,omitempty"`
	Order         *OrderTrace       `json:"order,omitempty"`
	Chunks        []ChunkTrace      `json:"chunks"`
	Retrieval     *RetrievalTrace   `json:"retrieval,omitempty"`
	Generation    *GenerationTrace  `json:"generation,omitempty"`
	Instructions  []string          `json:"instructions,omitempty"` // titles of the instructions in force
	Masked        []MaskedItem      `json:"masked,omitempty"`
	Steps         []Step            `json:"steps"`
	Decision      Decision          `json:"decision"`
	Settings      map[string]string `json:"settings,omitempty"` // the settings that shaped the decision
}

// TraceInput identifies what was decided on.
type TraceInput struct {
	Key           string   `json:"key"`
	TicketID      string   `json:"ticket_id,omitempty"`
	Channel       string   `json:"channel"`
	Messages      int      `json:"messages"`
	MessageIDs    []string `json:"message_ids,omitempty"`
	MessageHashes []string `json:"message_hashes"` // sha256 of each message text, first 12 hex digits
	CurrentHash   string   `json:"current_hash,omitempty"`
	Tags          []string `json:"tags,omitempty"`
	HasEmail      bool     `json:"has_email"`
	Orders        int      `json:"orders"`
}

// LanguageTrace is the language detected and the one replied in.
type LanguageTrace struct {
	Detected   string  `json:"detected"`
	Confidence float64 `json:"confidence"`
	Reply      string  `json:"reply"`
	Knowledge  string  `json:"knowledge,omitempty"` // the knowledge bases' language
}

// Signal is one hand-over detector's verdict.
type Signal struct {
	Name      string  `json:"name"`
	Score     float64 `json:"score"`
	Threshold float64 `json:"threshold"`
	Fired     bool    `json:"fired"`
	Evidence  string  `json:"evidence,omitempty"`
}

// AutomationTrace is the automation match.
type AutomationTrace struct {
	ID                 *int64  `json:"id,omitempty"`
	Name               string  `json:"name,omitempty"`
	Confidence         float64 `json:"confidence"`
	Decision           string  `json:"decision"` // answer, suggest, no_match, or why it was not used
	RunnerUp           string  `json:"runner_up,omitempty"`
	RunnerUpConfidence float64 `json:"runner_up_confidence,omitempty"`
	ModelVersion       int     `json:"model_version,omitempty"`
	Note               string  `json:"note,omitempty"`
}

// OrderTrace is what the order step found.
type OrderTrace struct {
	Asked  bool   `json:"asked"` // the message asks about an order
	Number string `json:"number,omitempty"`
	Status string `json:"status,omitempty"`
}

// ChunkTrace is one knowledge chunk retrieved.
type ChunkTrace struct {
	ChunkID     int64   `json:"chunk_id"`
	DocumentID  int64   `json:"document_id"`
	Title       string  `json:"title"`
	TitlePath   string  `json:"title_path"`
	Score       float64 `json:"score"`
	VectorScore float64 `json:"vector_score"`
	TextScore   float64 `json:"text_score"`
	// Rerank is the probability that the chunk's document answers, on the
	// best chunk of each document, with the features it was computed from.
	Rerank   *float64           `json:"rerank,omitempty"`
	Features map[string]float64 `json:"features,omitempty"`
	Used     bool               `json:"used"`
}

// RetrievalTrace is how sure the retrieval was that its best document answers.
type RetrievalTrace struct {
	Query      string             `json:"query_hash"`
	Confidence float64            `json:"confidence"`
	Threshold  float64            `json:"threshold"`
	Features   map[string]float64 `json:"features"`
}

// GenerationTrace is the model call.
type GenerationTrace struct {
	Provider  string  `json:"provider"`
	Model     string  `json:"model"`
	System    string  `json:"system"`
	Prompt    string  `json:"prompt"` // the messages sent, masked
	Response  string  `json:"response"`
	TokensIn  int     `json:"tokens_in"`
	TokensOut int     `json:"tokens_out"`
	CostUSD   float64 `json:"cost_usd"`
	LatencyMS float64 `json:"latency_ms"`
	Attempts  int     `json:"attempts"`
	Repaired  bool    `json:"repaired"`
	Truncated int     `json:"truncated"`
	Error     string  `json:"error,omitempty"`
}

// MaskedItem is one piece of personal data replaced before a hosted model
// saw the text (the value is not kept).
type MaskedItem struct {
	Kind        string `json:"kind"`
	Placeholder string `json:"placeholder"`
}

// Step is one pipeline step's time.
type Step struct {
	Name       string  `json:"name"`
	DurationMS float64 `json:"duration_ms"`
}

// hash names a text in traces without keeping it.
func hash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:6])
}

// timer records step durations.
type timer struct {
	t     *Trace
	start time.Time
	name  string
}

func (t *Trace) step(name string) *timer { return &timer{t: t, start: time.Now(), name: name} }

func (s *timer) done() {
	s.t.Steps = append(s.t.Steps, Step{Name: s.name, DurationMS: float64(time.Since(s.start).Microseconds()) / 1000})
}
