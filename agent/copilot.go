package agent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/internal/validate"
	"github.com/deskmate/deskmate/lang"
	"github.com/deskmate/deskmate/llm"
)

// The copilot helps agents on a ticket: a draft reply (the pipeline, with no
// side effects), a summary, and a translation.

// Draft runs the pipeline for an agent, whatever the conversation's state
// and tags, and changes nothing.
func (s *Service) Draft(ctx context.Context, actor account.Actor, conv Conversation) (Result, error) {
	return s.Decide(ctx, actor, conv, RunOptions{Source: SourceDraft})
}

// Summary is what a ticket is about, for an agent taking it over.
type Summary struct {
	Intent        string   `json:"intent"`         // what the customer wants
	Tried         []string `json:"tried"`          // what was already said or done
	OpenQuestions []string `json:"open_questions"` // what is still unanswered
	Language      string   `json:"language"`
	Model         string   `json:"model"` // "builtin" for an extractive summary
}

// Text is the summary as an internal note.
func (s Summary) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Customer wants: %s\n", s.Intent)
	if len(s.Tried) > 0 {
		b.WriteString("Already done:\n")
		for _, t := range s.Tried {
			b.WriteString("- " + t + "\n")
		}
	}
	if len(s.OpenQuestions) > 0 {
		b.WriteString("Still open:\n")
		for _, q := range s.OpenQuestions {
			b.WriteString("- " + q + "\n")
		}
	}
	if s.Language != "" && s.Language != "en" {
		fmt.Fprintf(&b, "Customer writes in %s.\n", lang.Name(s.Language))
	}
	return strings.TrimSpace(b.String())
}

var summarySchema = json.RawMessage(`{"type":"object","additionalProperties":false,"required":["intent","tried","open_questions"],
"properties":{"intent":{"type":"string"},"tried":{"type":"array","items":{"type":"string"}},"open_questions":{"type":"array","items":{"type":"string"}}}}`)

// Summarize sums up a conversation: with a chat model in a few lines it
// writes; with the built-in provider from the conversation's own sentences.
func (s *Service) Summarize(ctx context.Context, actor account.Actor, conv Conversation) (Summary, error) {
	if err := actor.Require(account.RoleEditor); err != nil {
		return Summary{}, err
	}
	if err := checkConversation(conv); err != nil {
		return Summary{}, err
	}
	cfg, err := s.Config(ctx, actor, conv.TicketID)
	if err != nil {
		return Summary{}, err
	}
	var all []string
	for _, m := range conv.customerMessages() {
		all = append(all, m.Text)
	}
	code, _ := lang.Detect(strings.Join(all, "\n"))
	if cfg.Chat == nil {
		out := extractiveSummary(conv)
		out.Language, out.Model = code, "builtin"
		return out, nil
	}
	m := newMasker(cfg.Mask)
	var b strings.Builder
	for _, msg := range conv.Messages {
		fmt.Fprintf(&b, "%s: %s\n", msg.Role, m.mask(msg.Text))
	}
	for _, n := range conv.Notes {
		fmt.Fprintf(&b, "internal note: %s\n", m.mask(n.Text))
	}
	resp, err := cfg.Chat.Chat(ctx, llm.ChatRequest{
		System: "Summarise this support conversation for the agent who takes it over, in English: what the customer wants " +
			"(one sentence), what was already tried or answered, and the questions still open. Be factual and short. Answer with one JSON object.",
		Messages: []llm.ChatMessage{{Role: llm.RoleUser, Content: b.String()}}, Schema: summarySchema, SchemaName: "summary",
		Temperature: 0.1, MaxTokens: 400})
	if err != nil {
		return Summary{}, fmt.Errorf("summarise with %s: %w", cfg.Chat.Model(), err)
	}
	var out Summary
	if err := json.Unmarshal([]byte(stripFence(resp.Content)), &out); err != nil || out.Intent == "" {
		// The model's summary is unusable: the extractive one still helps.
		out = extractiveSummary(conv)
	} else {
		out.Intent = m.restore(out.Intent)
		for i := range out.Tried {
			out.Tried[i] = m.restore(out.Tried[i])
		}
		for i := range out.OpenQuestions {
			out.OpenQuestions[i] = m.restore(out.OpenQuestions[i])
		}
	}
	out.Language, out.Model = code, cfg.Chat.Model()
	return out, nil
}

// extractiveSummary takes the summary from the conversation's own sentences:
// the customer's first request, one line per reply, and the customer's
// questions after the last reply.
func extractiveSummary(conv Conversation) Summary {
	var out Summary
	first := true
	lastReply := -1
	for i, m := range conv.Messages {
		if m.Role != RoleCustomer {
			lastReply = i
		}
	}
	for i, m := range conv.Messages {
		sentences := lang.Sentences(m.Text)
		if len(sentences) == 0 {
			continue
		}
		switch {
		case m.Role == RoleCustomer && first:
			out.Intent = clip(sentences[0], 200)
			first = false
		case m.Role != RoleCustomer:
			who := "Deskmate"
			if m.Role == RoleAgent {
				who = "Agent"
			}
			out.Tried = append(out.Tried, who+": "+clip(informative(sentences), 160))
		}
		if m.Role == RoleCustomer && i > lastReply {
			for _, s := range sentences {
				if strings.HasSuffix(strings.TrimSpace(s), "?") {
					out.OpenQuestions = append(out.OpenQuestions, clip(s, 200))
				}
			}
		}
	}
	if out.Intent == "" {
		out.Intent = "(no message from the customer)"
	}
	return out
}

// informative is the first sentence of at least four words ("Sorry!" says
// little), else the first.
func informative(sentences []string) string {
	for _, s := range sentences {
		if len(strings.Fields(s)) >= 4 {
			return s
		}
	}
	return sentences[0]
}

// ErrNoTranslation says translation needs a chat model.
var ErrNoTranslation = errors.New("translation needs a chat model: the built-in provider works offline and cannot translate; choose Ollama or an OpenAI-compatible server under Settings → Model")

// Translate translates a text to a language (a code such as "fr", or a
// name) with the workspace's chat model.
func (s *Service) Translate(ctx context.Context, actor account.Actor, text, to string) (string, error) {
	if err := actor.Require(account.RoleEditor); err != nil {
		return "", err
	}
	text = strings.TrimSpace(text)
	v := validate.Errors{}
	v.Length("text", text, 1, 20000)
	v.Length("to", to, 1, 40)
	if err := v.Err(); err != nil {
		return "", err
	}
	cfg, err := s.Config(ctx, actor, "")
	if err != nil {
		return "", err
	}
	if cfg.Chat == nil {
		return "", ErrNoTranslation
	}
	target := to
	if n := lang.Name(to); n != "" {
		target = n
	}
	m := newMasker(cfg.Mask)
	resp, err := cfg.Chat.Chat(ctx, llm.ChatRequest{
		System: "Translate the user's text into " + target + ". Keep the meaning, tone, names, numbers, links and " +
			"placeholders in square brackets exactly. Answer with the translation only.",
		Messages: []llm.ChatMessage{{Role: llm.RoleUser, Content: m.mask(text)}}, Temperature: 0, MaxTokens: 2000})
	if err != nil {
		return "", fmt.Errorf("translate with %s: %w", cfg.Chat.Model(), err)
	}
	return m.restore(strings.TrimSpace(resp.Content)), nil
}
