package agent_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/agent"
	"github.com/deskmate/deskmate/automation"
	"github.com/deskmate/deskmate/internal/netguard"
	"github.com/deskmate/deskmate/workspace"
)

// fakeModel is a chat model server speaking the OpenAI
// (/v1/chat/completions) and Ollama (/api/chat) wire formats. answer writes
// the assistant's content from the request's system prompt and messages.
type fakeModel struct {
	srv    *httptest.Server
	mu     sync.Mutex
	bodies []string
	calls  []modelCall
	answer func(c modelCall) string
	status int // answer every request with this status when set
}

type modelCall struct {
	System   string
	Messages []wireMessage // without the system message
	Format   json.RawMessage
}

type wireMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

func newFakeModel(t *testing.T, answer func(c modelCall) string) *fakeModel {
	f := &fakeModel{answer: answer}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeModel) serve(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Model          string          `json:"model"`
		Messages       []wireMessage   `json:"messages"`
		Format         json.RawMessage `json:"format"` // Ollama
		ResponseFormat *struct {       // OpenAI
			Type       string `json:"type"`
			JSONSchema struct {
				Schema json.RawMessage `json:"schema"`
			} `json:"json_schema"`
		} `json:"response_format"`
		Stream *bool `json:"stream"`
	}
	raw := new(strings.Builder)
	if err := json.NewDecoder(teeReader(r, raw)).Decode(&body); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	c := modelCall{Format: body.Format}
	if body.ResponseFormat != nil {
		c.Format = body.ResponseFormat.JSONSchema.Schema
	}
	for _, m := range body.Messages {
		if m.Role == "system" {
			c.System = m.Content
			continue
		}
		c.Messages = append(c.Messages, m)
	}
	f.mu.Lock()
	f.bodies = append(f.bodies, raw.String())
	f.calls = append(f.calls, c)
	status := f.status
	f.mu.Unlock()
	if status != 0 {
		w.WriteHeader(status)
		_, _ = fmt.Fprintf(w, `{"error":{"message":"model %s not found","type":"invalid_request_error"}}`, body.Model)
		return
	}
	content := f.answer(c)
	w.Header().Set("Content-Type", "application/json")
	if r.URL.Path == "/api/chat" {
		_ = json.NewEncoder(w).Encode(map[string]any{"model": body.Model, "created_at": time.Now().UTC().Format(time.RFC3339Nano),
			"message": map[string]string{"role": "assistant", "content": content}, "done": true, "done_reason": "stop",
			"prompt_eval_count": 420, "eval_count": 38, "total_duration": 1200000000})
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"id": "chatcmpl-1", "object": "chat.completion", "created": time.Now().Unix(),
		"model": body.Model, "choices": []map[string]any{{"index": 0, "message": map[string]string{"role": "assistant", "content": content},
			"finish_reason": "stop"}}, "usage": map[string]int{"prompt_tokens": 1000, "completion_tokens": 50, "total_tokens": 1050}})
}

func (f *fakeModel) requests() []modelCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]modelCall(nil), f.calls...)
}

func (f *fakeModel) rawBodies() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.bodies, "\n")
}

type teeBody struct {
	r *http.Request
	b *strings.Builder
}

func (t teeBody) Read(p []byte) (int, error) {
	n, err := t.r.Body.Read(p)
	t.b.Write(p[:n])
	return n, err
}

func teeReader(r *http.Request, b *strings.Builder) teeBody { return teeBody{r, b} }

// answerJSON is a model answer in the decision schema.
func answerJSON(decision, reply string, citations []int, reason string, confidence float64) string {
	if citations == nil {
		citations = []int{}
	}
	b, _ := json.Marshal(map[string]any{"decision": decision, "reply": reply, "citations": citations,
		"handover_reason": reason, "confidence": confidence})
	return string(b)
}

// sourceNumber finds the number of the source titled title in a system prompt.
func sourceNumber(system, title string) int {
	m := regexp.MustCompile(`(?m)^\[(\d+)\] ` + regexp.QuoteMeta(title) + `$`).FindStringSubmatch(system)
	if m == nil {
		return 0
	}
	var n int
	_, _ = fmt.Sscan(m[1], &n)
	return n
}

// withModel points the workspace at the fake model through the real
// provider code and model guard.
func withModel(t *testing.T, provider string, answer func(c modelCall) string) (*env, *fakeModel) {
	t.Helper()
	guard, err := netguard.New([]string{"127.0.0.1"}, netguard.WithAllowListName("DESKMATE_MODEL_ALLOWLIST"))
	require.NoError(t, err)
	e := setup(t, guard)
	f := newFakeModel(t, answer)
	base := f.srv.URL + "/v1"
	if provider == "ollama" {
		base = f.srv.URL
	}
	_, err = e.ws.PutModelSettings(e.ctx, e.actor, workspace.ModelInput{ModelSettings: workspace.ModelSettings{
		Provider: provider, BaseURL: base, ChatModel: "test-model"}})
	require.NoError(t, err)
	return e, f
}

func shippingAnswer(c modelCall) string {
	n := sourceNumber(c.System, "Shipping times")
	if n == 0 {
		return answerJSON("handover", "", nil, "knowledge_gap", 0.9)
	}
	if strings.Contains(c.System, "Write the reply in German") {
		return answerJSON("reply", "Der Standardversand dauert 3 bis 5 Werktage.", []int{n}, "", 0.9)
	}
	return answerJSON("reply", "Standard shipping takes 3 to 5 business days.", []int{n}, "", 0.9)
}

func TestModelRepliesInTheCustomersLanguageCitingItsSources(t *testing.T) {
	e, f := withModel(t, "openai", shippingAnswer)
	e.knowledgeBase(helpCenter)
	s := agent.DefaultSettings()
	s.InputPricePerMillion, s.OutputPricePerMillion = 2, 10
	_, err := e.ag.PutSettings(e.ctx, e.actor, s)
	require.NoError(t, err)

	conv := newConv("email")
	conv.Subject = "Versand"
	_, res := e.ask(conv, "Wie lange dauert der Standardversand (standard shipping) innerhalb der EU?")
	d := res.Decision
	require.Equal(t, agent.Reply, d.Kind, d.Explanation)
	require.Equal(t, "Der Standardversand dauert 3 bis 5 Werktage.", d.Reply)
	require.Equal(t, "de", d.Language)
	require.Len(t, d.Citations, 1)
	require.Equal(t, "Shipping times", d.Citations[0].Title)

	calls := f.requests()
	require.Len(t, calls, 1)
	require.Contains(t, calls[0].System, "Write the reply in German")
	require.Contains(t, calls[0].System, "Standard shipping takes 3 to 5 business days", "the sources are in the prompt")
	require.Contains(t, string(calls[0].Format), `"decision"`, "the answer schema is sent as response_format")

	g := res.Trace.Generation
	require.NotNil(t, g)
	require.Equal(t, "openai", g.Provider)
	require.Equal(t, "test-model", g.Model)
	require.Equal(t, 1000, g.TokensIn)
	require.Equal(t, 50, g.TokensOut)
	require.InDelta(t, 1000*2e-6+50*10e-6, g.CostUSD, 1e-9)
	require.False(t, g.Repaired)
}

func TestAnInstructionEditedInTheAppChangesTheVeryNextDecision(t *testing.T) {
	e, f := withModel(t, "openai", func(c modelCall) string {
		n := sourceNumber(c.System, "Shipping times")
		reply := "Standard shipping takes 3 to 5 business days."
		if strings.Contains(c.System, "mention the code SHIPFAST") {
			reply += " Use the code SHIPFAST for free express shipping."
		}
		if strings.Contains(c.System, "Hand over every shipping question") {
			return answerJSON("handover", "", nil, "low_confidence", 0.9)
		}
		return answerJSON("reply", reply, []int{n}, "", 0.9)
	})
	e.knowledgeBase(helpCenter)
	question := "How long does standard shipping take?"

	_, before := e.ask(newConv("email"), question)
	require.Equal(t, agent.Reply, before.Decision.Kind, before.Decision.Explanation)
	require.NotContains(t, before.Decision.Reply, "SHIPFAST")

	ins, err := e.au.CreateInstruction(e.ctx, e.actor, automation.InstructionInput{Title: str("Shipping promo"),
		Text: str("When a customer asks about shipping, mention the code SHIPFAST.")})
	require.NoError(t, err)
	_, after := e.ask(newConv("email"), question)
	require.Contains(t, after.Decision.Reply, "Use the code SHIPFAST")
	require.NotEqual(t, before.Trace.ConfigVersion, after.Trace.ConfigVersion)

	_, err = e.au.UpdateInstruction(e.ctx, e.actor, ins.ID, automation.InstructionInput{
		Text: str("Hand over every shipping question to the logistics team.")})
	require.NoError(t, err)
	_, edited := e.ask(newConv("email"), question)
	require.Equal(t, agent.Handover, edited.Decision.Kind)
	require.Equal(t, agent.ReasonLowConfidence, edited.Decision.Reason)
	require.NotEqual(t, after.Trace.ConfigVersion, edited.Trace.ConfigVersion)
	require.Len(t, f.requests(), 3)
}

func TestMalformedModelOutputGetsOneRepairThenAHandover(t *testing.T) {
	var broken bool
	var mu sync.Mutex
	e, f := withModel(t, "openai", func(c modelCall) string {
		mu.Lock()
		defer mu.Unlock()
		last := c.Messages[len(c.Messages)-1].Content
		if broken || !strings.HasPrefix(last, "Your answer is not valid") {
			return "Sure! Standard shipping takes 3 to 5 days."
		}
		return "```json\n" + shippingAnswer(c) + "\n```"
	})
	e.knowledgeBase(helpCenter)

	_, res := e.ask(newConv("email"), "How long does standard shipping take?")
	require.Equal(t, agent.Reply, res.Decision.Kind, res.Decision.Explanation)
	require.Equal(t, "Standard shipping takes 3 to 5 business days.", res.Decision.Reply)
	require.True(t, res.Trace.Generation.Repaired)
	calls := f.requests()
	require.Len(t, calls, 2)
	repair := calls[1].Messages
	require.Equal(t, "assistant", repair[len(repair)-2].Role)
	require.Equal(t, "Sure! Standard shipping takes 3 to 5 days.", repair[len(repair)-2].Content)
	require.Contains(t, repair[len(repair)-1].Content, "not a JSON object")

	mu.Lock()
	broken = true
	mu.Unlock()
	_, res = e.ask(newConv("email"), "How long does standard shipping take?")
	require.Equal(t, agent.Handover, res.Decision.Kind)
	require.Equal(t, agent.ReasonError, res.Decision.Reason)
	require.Equal(t, agent.DefaultSettings().HandoverOpen, res.Decision.Reply, "never a half reply")
	require.Contains(t, res.Trace.Generation.Error, "invalid answer after one repair")
	require.Len(t, f.requests(), 4, "one repair, not more")
}

func TestAReplyWithoutSourcesIsRefused(t *testing.T) {
	e, f := withModel(t, "openai", func(c modelCall) string {
		return answerJSON("reply", "Yes, we ship to Mars in 2 days.", nil, "", 0.95)
	})
	e.knowledgeBase(helpCenter)
	_, res := e.ask(newConv("email"), "Do you ship to Mars?")
	require.Equal(t, agent.Handover, res.Decision.Kind)
	require.Equal(t, agent.ReasonError, res.Decision.Reason)
	require.NotContains(t, res.Decision.Reply, "Mars")
	require.Len(t, f.requests(), 2)
	require.Contains(t, f.requests()[1].Messages[len(f.requests()[1].Messages)-1].Content, "must cite")
}

func TestModelErrorsHandOver(t *testing.T) {
	e, f := withModel(t, "openai", shippingAnswer)
	e.knowledgeBase(helpCenter)
	f.mu.Lock()
	f.status = http.StatusNotFound
	f.mu.Unlock()
	_, res := e.ask(newConv("email"), "How long does standard shipping take?")
	require.Equal(t, agent.Handover, res.Decision.Kind)
	require.Equal(t, agent.ReasonError, res.Decision.Reason)
	require.Contains(t, res.Trace.Generation.Error, "not found")
}

func TestHostedModelsSeePlaceholdersNotPersonalData(t *testing.T) {
	e, f := withModel(t, "openai", func(c modelCall) string {
		last := c.Messages[len(c.Messages)-1].Content
		phone := regexp.MustCompile(`\[PHONE_\d+\]`).FindString(last)
		order := regexp.MustCompile(`\[ORDER_\d+\]`).FindString(last)
		n := sourceNumber(c.System, "Shipping times")
		return answerJSON("reply", fmt.Sprintf("Thanks, we will call %s about order %s.", phone, order), []int{n}, "", 0.9)
	})
	e.knowledgeBase(helpCenter)
	s := agent.DefaultSettings()
	s.PIIMasking = "on" // the fake model runs on this machine, where auto would not mask
	_, err := e.ag.PutSettings(e.ctx, e.actor, s)
	require.NoError(t, err)

	conv := newConv("email")
	conv.Customer.Orders = []agent.Order{{Number: "#55501", FulfillmentStatus: "fulfilled", CreatedAt: time.Now().Add(-time.Hour)}}
	_, res := e.ask(conv, "My shipping is late for order #55501. Call me at +33 6 12 34 56 78, "+
		"I live at 12 Rue de la Paix, Paris. Card 4111 1111 1111 1111.")
	require.Equal(t, agent.Reply, res.Decision.Kind, res.Decision.Explanation)
	require.Equal(t, "Thanks, we will call +33 6 12 34 56 78 about order #55501.", res.Decision.Reply)

	sent := f.rawBodies()
	for _, value := range []string{"ana@example.com", "55501", "6 12 34 56 78", "Rue de la Paix", "4111"} {
		require.NotContains(t, sent, value)
	}
	kinds := map[string]bool{}
	for _, m := range res.Trace.Masked {
		kinds[m.Kind] = true
	}
	for _, k := range []string{"email", "phone", "order", "address", "card"} {
		require.True(t, kinds[k], "masked %s", k)
	}
	sentTrace, err := json.Marshal([]any{res.Trace.Generation, res.Trace.Masked, res.Trace.Input})
	require.NoError(t, err)
	for _, value := range []string{"ana@example.com", "55501", "6 12 34 56 78", "Rue de la Paix", "4111"} {
		require.NotContains(t, string(sentTrace), value, "the trace keeps placeholders, not values")
	}
}

func TestOllamaModelDecides(t *testing.T) {
	e, f := withModel(t, "ollama", shippingAnswer)
	e.knowledgeBase(helpCenter)
	_, res := e.ask(newConv("chat"), "How long does standard shipping take?")
	require.Equal(t, agent.Reply, res.Decision.Kind, res.Decision.Explanation)
	require.Equal(t, "Standard shipping takes 3 to 5 business days.", res.Decision.Reply)
	require.Equal(t, 420, res.Trace.Generation.TokensIn)
	calls := f.requests()
	require.Len(t, calls, 1)
	require.Contains(t, string(calls[0].Format), `"handover_reason"`, "the schema is sent as format")
}

func TestSignalsHandOverBeforeTheModelIsAsked(t *testing.T) {
	e, f := withModel(t, "openai", shippingAnswer)
	e.knowledgeBase(helpCenter)
	_, res := e.ask(newConv("email"), "Let me talk to a human agent now")
	require.Equal(t, agent.Handover, res.Decision.Kind)
	require.Equal(t, agent.ReasonRequested, res.Decision.Reason)
	require.Empty(t, f.requests())
}

func TestTheModelCanHandOverForItsOwnReasons(t *testing.T) {
	e, _ := withModel(t, "openai", func(c modelCall) string {
		return answerJSON("handover", "", nil, "sensitive", 0.8)
	})
	e.knowledgeBase(helpCenter)
	_, res := e.ask(newConv("email"), "My package arrived soaked and the box smelled of gas.")
	require.Equal(t, agent.Handover, res.Decision.Kind)
	require.Equal(t, agent.ReasonSensitive, res.Decision.Reason)
}

func TestTranslateAndSummarizeWithAModel(t *testing.T) {
	e, f := withModel(t, "openai", func(c modelCall) string {
		switch {
		case strings.HasPrefix(c.System, "Translate"):
			return strings.Replace(c.Messages[0].Content, "Where is my order", "Où est ma commande", 1)
		case strings.Contains(c.Messages[0].Content, "broken"):
			return "not json"
		default:
			return `{"intent":"Wants order [ORDER_1] replaced","tried":["Agent asked for photos"],"open_questions":["When will the replacement ship?"]}`
		}
	})
	s := agent.DefaultSettings()
	s.PIIMasking = "on"
	_, err := e.ag.PutSettings(e.ctx, e.actor, s)
	require.NoError(t, err)

	out, err := e.ag.Translate(e.ctx, e.actor, "Where is my order #70012?", "fr")
	require.NoError(t, err)
	require.Equal(t, "Où est ma commande #70012?", out)
	calls := f.requests()
	require.Contains(t, calls[0].System, "into French")
	require.NotContains(t, calls[0].Messages[0].Content, "70012", "masked for the model")

	conv := agent.Conversation{Key: "t:1", Channel: "email", Messages: []agent.Message{
		{Role: agent.RoleCustomer, Text: "My order #70012 arrived damaged, can I get a replacement?"},
		{Role: agent.RoleAgent, Text: "Sorry! Could you send photos?"}}}
	sum, err := e.ag.Summarize(e.ctx, e.actor, conv)
	require.NoError(t, err)
	require.Equal(t, "Wants order #70012 replaced", sum.Intent)
	require.Equal(t, []string{"When will the replacement ship?"}, sum.OpenQuestions)

	// An unusable answer falls back to the conversation's own sentences.
	conv.Messages[0].Text = "The blender arrived broken. Can I get a new one?"
	sum, err = e.ag.Summarize(e.ctx, e.actor, conv)
	require.NoError(t, err)
	require.Equal(t, "The blender arrived broken.", sum.Intent)
	require.Equal(t, []string{"Agent: Could you send photos?"}, sum.Tried)

	_, err = e.ag.Translate(e.ctx, e.actor, "", "fr")
	require.Error(t, err)
}
