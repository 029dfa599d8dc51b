package agent

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/deskmate/deskmate/knowledge"
	"github.com/deskmate/deskmate/lang"
	"github.com/deskmate/deskmate/llm"
)

// With a chat model the reply is written by the model from the numbered
// sources, as one JSON object checked against answerSchema. An answer that
// does not parse or breaks the rules gets one repair request; then the
// conversation is handed over, never half answered.

// maxSources is how many knowledge chunks the model sees.
const maxSources = 6

// answerSchema is the JSON the model must answer with.
var answerSchema = json.RawMessage(`{
  "type": "object",
  "additionalProperties": false,
  "required": ["decision", "reply", "citations", "handover_reason", "confidence"],
  "properties": {
    "decision": {"type": "string", "enum": ["reply", "clarify", "handover"]},
    "reply": {"type": "string"},
    "citations": {"type": "array", "items": {"type": "integer"}},
    "handover_reason": {"type": "string", "enum": ["", "requested", "frustration", "sensitive", "knowledge_gap", "low_confidence"]},
    "confidence": {"type": "number"}
  }
}`)

// modelAnswer is answerSchema in Go.
type modelAnswer struct {
	Decision       string  `json:"decision"`
	Reply          string  `json:"reply"`
	Citations      []int   `json:"citations"`
	HandoverReason string  `json:"handover_reason"`
	Confidence     float64 `json:"confidence"`
}

// check enforces the rules the schema cannot: a reply cites sources that
// exist; a reply with no source makes no factual claim (it must be a
// question or a hand-over instead).
func (a modelAnswer) check(sources int) error {
	switch a.Decision {
	case "reply":
		if strings.TrimSpace(a.Reply) == "" {
			return fmt.Errorf("decision reply needs a reply")
		}
		if len(a.Citations) == 0 {
			return fmt.Errorf("a reply must cite the sources it uses (citations); with no source, decide handover with reason knowledge_gap")
		}
	case "clarify":
		if strings.TrimSpace(a.Reply) == "" {
			return fmt.Errorf("decision clarify needs the question in reply")
		}
	case "handover":
	default:
		return fmt.Errorf("decision must be reply, clarify or handover")
	}
	for _, c := range a.Citations {
		if c < 1 || c > sources {
			return fmt.Errorf("citation %d is not one of the sources 1 to %d", c, sources)
		}
	}
	if a.Confidence < 0 || a.Confidence > 1 {
		return fmt.Errorf("confidence must be from 0 to 1")
	}
	return nil
}

// generate asks the chat model for the decision.
func (p *pipeline) generate(ctx context.Context, results []knowledge.SearchResult, conf confidence) Decision {
	if len(results) > maxSources {
		results = results[:maxSources]
	}
	masker := newMasker(p.cfg.Mask)
	system := p.systemPrompt(results, masker)
	msgs := p.chatMessages(masker)
	g := &GenerationTrace{Provider: p.cfg.Provider, Model: strings.TrimPrefix(p.cfg.Chat.Model(), p.cfg.Provider+"/"), System: system, Prompt: renderPrompt(msgs)}
	p.trace.Generation = g
	p.trace.Masked = masker.items
	req := llm.ChatRequest{System: system, Messages: msgs, Schema: answerSchema, SchemaName: "deskmate_decision", Temperature: 0.2, MaxTokens: 800}
	var answer modelAnswer
	var lastErr error
	for attempt := 0; attempt < 2; attempt++ {
		resp, err := p.cfg.Chat.Chat(ctx, req)
		g.Attempts += max(resp.Attempts, 1)
		g.TokensIn += resp.Usage.InputTokens
		g.TokensOut += resp.Usage.OutputTokens
		g.LatencyMS += float64(resp.Latency.Microseconds()) / 1000
		g.Truncated = max(g.Truncated, resp.Truncated)
		if err != nil {
			g.Error = err.Error()
			return p.handover(ReasonError, "The chat model failed: "+clip(err.Error(), 200))
		}
		g.Response = resp.Content
		answer, lastErr = parseAnswer(resp.Content, len(results))
		if lastErr == nil {
			break
		}
		if attempt == 0 {
			// One repair: show the model its answer and what is wrong.
			g.Repaired = true
			req.Messages = append(append([]llm.ChatMessage{}, msgs...),
				llm.ChatMessage{Role: llm.RoleAssistant, Content: resp.Content},
				llm.ChatMessage{Role: llm.RoleUser, Content: "Your answer is not valid: " + lastErr.Error() +
					". Answer again with one JSON object that follows the schema and the rules."})
		}
	}
	g.CostUSD = llm.Cost(llm.Usage{InputTokens: g.TokensIn, OutputTokens: g.TokensOut},
		llm.Price{InputPerMillion: p.cfg.Settings.InputPricePerMillion, OutputPerMillion: p.cfg.Settings.OutputPricePerMillion})
	if lastErr != nil {
		g.Error = "invalid answer after one repair: " + lastErr.Error()
		return p.handover(ReasonError, "The chat model's answer was invalid twice.")
	}
	reply := masker.restore(strings.TrimSpace(answer.Reply))
	switch answer.Decision {
	case "handover":
		reason := answer.HandoverReason
		if reason == "" {
			reason = ReasonLowConfidence
		}
		d := p.handover(reason, "The chat model handed over ("+reason+").")
		return d
	case "clarify":
		return Decision{Kind: Clarify, Reply: reply, Language: p.replyLang, Confidence: answer.Confidence,
			Explanation: "The chat model asks the customer a question first."}
	}
	d := Decision{Kind: Reply, Reply: reply, Language: p.replyLang, Confidence: answer.Confidence,
		Explanation: fmt.Sprintf("Written by %s from %d source(s).", p.cfg.Chat.Model(), len(answer.Citations))}
	for _, c := range answer.Citations {
		r := results[c-1]
		d.Citations = append(d.Citations, Citation{ChunkID: r.ChunkID, DocumentID: r.DocumentID, Title: r.Title, URL: r.URL})
		if c-1 < len(p.trace.Chunks) {
			p.trace.Chunks[c-1].Used = true
		}
	}
	if answer.Confidence < 0.6 || conf.value < answerThreshold {
		d.Review = true
		d.Explanation += " Not sure enough to send alone: a person should check it."
	}
	return d
}

func parseAnswer(content string, sources int) (modelAnswer, error) {
	var a modelAnswer
	dec := json.NewDecoder(strings.NewReader(strings.TrimSpace(stripFence(content))))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		return a, fmt.Errorf("not a JSON object of the schema (%v)", clip(err.Error(), 120))
	}
	return a, a.check(sources)
}

// stripFence removes a Markdown code fence some models put around JSON.
func stripFence(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "```") {
		s = strings.TrimPrefix(s, "```json")
		s = strings.TrimPrefix(s, "```")
		s = strings.TrimSuffix(strings.TrimSpace(s), "```")
	}
	return s
}

// systemPrompt is the model's instructions: the rules, the workspace's
// instructions, the customer, and the numbered sources.
func (p *pipeline) systemPrompt(results []knowledge.SearchResult, m *masker) string {
	var b strings.Builder
	b.WriteString("You are Deskmate, the customer support assistant of this company. You answer the customer's last message.\n")
	b.WriteString("Rules:\n")
	b.WriteString("- Answer only from the numbered sources below and the conversation; cite every source you use by its number in citations.\n")
	b.WriteString("- Never invent facts, prices, dates, policies or links. If the sources do not answer, decide \"handover\" with handover_reason \"knowledge_gap\".\n")
	b.WriteString("- If the question is unclear and one short question would settle it, decide \"clarify\" and ask it in reply.\n")
	b.WriteString("- Decide \"handover\" when the customer asks for a person (requested), is angry (frustration), or raises legal, medical, safety, chargeback or privacy matters (sensitive).\n")
	fmt.Fprintf(&b, "- Write the reply in %s, friendly and short (at most 120 words), as plain text without Markdown headings.\n", lang.Name(p.replyLang))
	b.WriteString("- confidence is how sure you are (0 to 1) that the reply is right and complete.\n")
	b.WriteString("Answer with one JSON object only.\n")
	if len(p.cfg.Guidance.Workspace) > 0 || len(p.cfg.Guidance.Ticket) > 0 || len(p.conv.Instructions) > 0 {
		b.WriteString("\nInstructions from the company (follow them):\n")
		for _, g := range p.cfg.Guidance.Workspace {
			fmt.Fprintf(&b, "- %s: %s\n", g.Title, m.mask(g.Text))
		}
		for _, g := range p.cfg.Guidance.Ticket {
			fmt.Fprintf(&b, "- For this ticket: %s\n", m.mask(g.Text))
		}
		for _, g := range p.conv.Instructions {
			fmt.Fprintf(&b, "- For this ticket: %s\n", m.mask(g))
		}
	}
	c := p.conv.Customer
	b.WriteString("\nCustomer:")
	if c.Name != "" {
		fmt.Fprintf(&b, " name %s;", m.mask(c.Name))
	}
	if c.Email != "" {
		fmt.Fprintf(&b, " email %s;", m.mask(c.Email))
	}
	fmt.Fprintf(&b, " channel %s.\n", p.conv.Channel)
	if c.Note != "" {
		fmt.Fprintf(&b, "Note about the customer: %s\n", m.mask(c.Note))
	}
	if o, ok := pickOrder(c.Orders, ""); ok {
		fmt.Fprintf(&b, "Latest order: %s, %s", m.mask(o.Number), orderStatus(o))
		if o.TrackingURL != "" {
			fmt.Fprintf(&b, ", tracking %s", o.TrackingURL)
		}
		b.WriteString(".\n")
	}
	b.WriteString("\nSources:\n")
	if len(results) == 0 {
		b.WriteString("(none)\n")
	}
	for i, r := range results {
		fmt.Fprintf(&b, "[%d] %s\n%s\n\n", i+1, r.TitlePath, m.mask(r.Text))
	}
	return b.String()
}

// chatMessages is the conversation for the model: customer messages as the
// user, Deskmate's and agents' as the assistant.
func (p *pipeline) chatMessages(m *masker) []llm.ChatMessage {
	var out []llm.ChatMessage
	for _, msg := range p.conv.Messages[:p.currentIdx+1] {
		role := llm.RoleAssistant
		if msg.Role == RoleCustomer {
			role = llm.RoleUser
		}
		out = append(out, llm.ChatMessage{Role: role, Content: m.mask(msg.Text)})
	}
	return out
}

func renderPrompt(msgs []llm.ChatMessage) string {
	var b strings.Builder
	for _, m := range msgs {
		b.WriteString(m.Role + ": " + m.Content + "\n")
	}
	return b.String()
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
