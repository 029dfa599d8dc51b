package server

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/agent"
	"github.com/deskmate/deskmate/internal/validate"
	"github.com/deskmate/deskmate/store"
)

// Limits of what the playground and the copilot accept.
const (
	maxConversationMessages = 100
	maxMessageChars         = 10000
	maxOrders               = 20
)

type messageJSON struct {
	Role string `json:"role"`
	Text string `json:"text"`
}

type orderJSON struct {
	Number            string     `json:"number"`
	CreatedAt         *time.Time `json:"created_at"`
	FinancialStatus   string     `json:"financial_status"`
	FulfillmentStatus string     `json:"fulfillment_status"`
	ShipmentStatus    string     `json:"shipment_status"`
	TrackingCompany   string     `json:"tracking_company"`
	TrackingNumber    string     `json:"tracking_number"`
	TrackingURL       string     `json:"tracking_url"`
	CancelledAt       *time.Time `json:"cancelled_at"`
	Items             []string   `json:"items"`
}

type customerJSON struct {
	Name   string      `json:"name"`
	Email  string      `json:"email"`
	Note   string      `json:"note"`
	Orders []orderJSON `json:"orders"`
}

// conversationReq is a conversation as the playground and the copilot send it.
type conversationReq struct {
	ConversationID string        `json:"conversation_id"`
	Channel        string        `json:"channel"`
	Subject        string        `json:"subject"`
	Customer       customerJSON  `json:"customer"`
	BusinessHours  string        `json:"business_hours"` // auto, open, closed
	Messages       []messageJSON `json:"messages"`
	Instructions   []string      `json:"instructions"`
}

// conversation checks the request and turns it into the agent's input.
func (r conversationReq) conversation(keyPrefix string) (agent.Conversation, error) {
	v := validate.Errors{}
	id := strings.TrimSpace(r.ConversationID)
	v.Length("conversation_id", id, 1, 100)
	if r.Channel == "" {
		r.Channel = "email"
	}
	v.OneOf("channel", r.Channel, "email", "chat", "sms", "contact_form", "facebook-messenger", "instagram-direct-message", "whatsapp", "phone", "api")
	v.Length("subject", r.Subject, 0, 500)
	v.Length("customer.name", r.Customer.Name, 0, 200)
	v.Length("customer.email", r.Customer.Email, 0, 320)
	v.Length("customer.note", r.Customer.Note, 0, 2000)
	if r.BusinessHours == "" {
		r.BusinessHours = "auto"
	}
	v.OneOf("business_hours", r.BusinessHours, "auto", "open", "closed")
	if len(r.Customer.Orders) > maxOrders {
		v.Add("customer.orders", "at most "+strconv.Itoa(maxOrders)+" orders")
	}
	if len(r.Messages) == 0 || len(r.Messages) > maxConversationMessages {
		v.Add("messages", "send 1 to "+strconv.Itoa(maxConversationMessages)+" messages")
	}
	if len(r.Instructions) > 20 {
		v.Add("instructions", "at most 20")
	}
	c := agent.Conversation{Key: keyPrefix + id, Channel: r.Channel, Subject: r.Subject, Instructions: r.Instructions,
		Customer: agent.Customer{Name: r.Customer.Name, Email: r.Customer.Email, Note: r.Customer.Note}}
	for i, m := range r.Messages {
		if m.Role != agent.RoleCustomer && m.Role != agent.RoleAgent && m.Role != agent.RoleBot {
			v.Add("messages["+strconv.Itoa(i)+"].role", "must be customer, agent or bot")
		}
		v.Length("messages["+strconv.Itoa(i)+"].text", m.Text, 1, maxMessageChars)
		c.Messages = append(c.Messages, agent.Message{ID: strconv.Itoa(i + 1), Role: m.Role, Text: m.Text})
	}
	for i, o := range r.Customer.Orders {
		v.Length("customer.orders["+strconv.Itoa(i)+"].number", o.Number, 1, 50)
		v.Length("customer.orders["+strconv.Itoa(i)+"].tracking_url", o.TrackingURL, 0, 2000)
		ord := agent.Order{Number: o.Number, FinancialStatus: o.FinancialStatus, FulfillmentStatus: o.FulfillmentStatus,
			ShipmentStatus: o.ShipmentStatus, TrackingCompany: o.TrackingCompany, TrackingNumber: o.TrackingNumber,
			TrackingURL: o.TrackingURL, CancelledAt: o.CancelledAt, Items: o.Items}
		if o.CreatedAt != nil {
			ord.CreatedAt = *o.CreatedAt
		}
		c.Customer.Orders = append(c.Customer.Orders, ord)
	}
	switch r.BusinessHours {
	case "open":
		open := true
		c.Open = &open
	case "closed":
		closed := false
		c.Open = &closed
	}
	return c, v.Err()
}

// agentRunJSON is a stored run; trace and input only when asked for one run.
type agentRunJSON struct {
	ID            int64     `json:"id"`
	Source        string    `json:"source"`
	TicketID      string    `json:"ticket_id"`
	Channel       string    `json:"channel"`
	Decision      string    `json:"decision"`
	Reason        string    `json:"reason"`
	AutomationID  *int64    `json:"automation_id"`
	Language      string    `json:"language"`
	ConfigVersion string    `json:"config_version"`
	Model         string    `json:"model"`
	TokensIn      int       `json:"tokens_in"`
	TokensOut     int       `json:"tokens_out"`
	CostUSD       float64   `json:"cost_usd"`
	DurationMS    float64   `json:"duration_ms"`
	Reply         string    `json:"reply"`
	ReplayOf      *int64    `json:"replay_of"`
	CreatedAt     time.Time `json:"created_at"`
	// ConversationKey groups the runs of one conversation.
	ConversationKey string          `json:"conversation_key"`
	Trace           json.RawMessage `json:"trace,omitempty"`
	Input           json.RawMessage `json:"input,omitempty"`
}

func toAgentRunJSON(r store.AgentRun, full bool) agentRunJSON {
	out := agentRunJSON{ID: r.ID, Source: r.Source, TicketID: r.TicketID, Channel: r.Channel, Decision: r.Decision, Reason: r.Reason,
		AutomationID: r.AutomationID, Language: r.Language, ConfigVersion: r.ConfigVersion, Model: r.Model, TokensIn: r.TokensIn,
		TokensOut: r.TokensOut, CostUSD: r.CostUSD, DurationMS: r.DurationMS, Reply: r.Reply, ReplayOf: r.ReplayOf, CreatedAt: r.CreatedAt,
		ConversationKey: r.ConversationKey}
	if full {
		out.Trace, out.Input = r.Trace, r.Input
	}
	return out
}

// resultJSON is a new run with its decision.
type resultJSON struct {
	Run      agentRunJSON   `json:"run"`
	Decision agent.Decision `json:"decision"`
	Trace    *agent.Trace   `json:"trace"`
	State    string         `json:"state,omitempty"`
}

// playgroundMessage runs the pipeline on a playground conversation.
func (s *Server) playgroundMessage(c *fiber.Ctx) error {
	actor, conv, err := conversationOf(c, "playground:")
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), 3*time.Minute)
	defer cancel()
	res, err := s.deps.Agent.Decide(ctx, actor, conv, agent.RunOptions{Source: agent.SourcePlayground})
	if err != nil {
		return err
	}
	st, err := s.deps.Agent.ConversationState(ctx, actor, conv.Key)
	if err != nil {
		return err
	}
	return c.JSON(resultJSON{Run: toAgentRunJSON(res.Run, false), Decision: res.Decision, Trace: res.Trace, State: st.State})
}

// playgroundReset forgets a playground conversation (start over).
func (s *Server) playgroundReset(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	id := c.Params("conversation_id")
	if id == "" || len(id) > 100 {
		return &APIError{Status: fiber.StatusNotFound, Code: "not_found", Message: "not found"}
	}
	if err := s.deps.Agent.Forget(c.UserContext(), actor, "playground:"+string([]byte(id))); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// returnToBot gives a handed-over playground conversation back to Deskmate.
func (s *Server) returnToBot(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	id := c.Params("conversation_id")
	if err := s.deps.Agent.ReturnToBot(c.UserContext(), actor, "playground:"+string([]byte(id))); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) listRuns(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	v := validate.Errors{}
	limit, _ := readPage(c, v, 50, 200)
	f := store.AgentRunFilter{Decision: c.Query("decision"), Reason: c.Query("reason"), Channel: c.Query("channel"),
		Source: c.Query("source"), Limit: limit}
	if f.Decision != "" {
		v.OneOf("decision", f.Decision, "reply", "clarify", "handover", "nothing")
	}
	for name, dst := range map[string]*int64{"automation_id": &f.AutomationID, "before": &f.Before} {
		if q := c.Query(name); q != "" {
			n, err := strconv.ParseInt(q, 10, 64)
			if err != nil || n < 0 {
				v.Add(name, "must be a positive number")
			}
			*dst = n
		}
	}
	if len(f.Reason) > 50 || len(f.Channel) > 50 || len(f.Source) > 20 {
		v.Add("filter", "too long")
	}
	if err := v.Err(); err != nil {
		return err
	}
	runs, err := s.deps.Agent.Runs(c.UserContext(), actor, f)
	if err != nil {
		return err
	}
	out := make([]agentRunJSON, len(runs))
	for i, r := range runs {
		out[i] = toAgentRunJSON(r, false)
	}
	return c.JSON(out)
}

func (s *Server) getRun(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "run_id")
	if err != nil {
		return err
	}
	r, err := s.deps.Agent.Run(c.UserContext(), actor, id)
	if err != nil {
		return err
	}
	return c.JSON(toAgentRunJSON(r, true))
}

// replayRun runs a past conversation again with the current configuration
// and answers both, to show side by side.
func (s *Server) replayRun(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "run_id")
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), 3*time.Minute)
	defer cancel()
	res, orig, err := s.deps.Agent.Replay(ctx, actor, id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"original": toAgentRunJSON(orig, true), "replay": toAgentRunJSON(res.Run, true)})
}

func (s *Server) getAgentSettings(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	st, err := s.deps.Agent.Settings(c.UserContext(), actor)
	if err != nil {
		return err
	}
	return c.JSON(st)
}

func (s *Server) putAgentSettings(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	var req agent.Settings
	if err := decode(c, &req); err != nil {
		return err
	}
	st, err := s.deps.Agent.PutSettings(c.UserContext(), actor, req)
	if err != nil {
		return err
	}
	return c.JSON(st)
}

// checkChatSettings tries the saved chat model with a tiny request; like the
// embeddings check, a provider that fails answers 200 with what failed.
func (s *Server) checkChatSettings(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), 60*time.Second)
	defer cancel()
	check, err := s.deps.Agent.CheckChat(ctx, actor)
	out := fiber.Map{"ok": err == nil, "chat_model": check.Model, "took_ms": float64(check.Took.Microseconds()) / 1000}
	if err != nil {
		if c.UserContext().Err() != nil || errors.Is(err, account.ErrForbidden) {
			return err
		}
		out["error"] = err.Error()
	}
	return c.JSON(out)
}

// conversationOf reads the actor and the conversation a request sends.
func conversationOf(c *fiber.Ctx, keyPrefix string) (account.Actor, agent.Conversation, error) {
	actor, err := actorOf(c)
	if err != nil {
		return actor, agent.Conversation{}, err
	}
	var req conversationReq
	if err := decode(c, &req); err != nil {
		return actor, agent.Conversation{}, err
	}
	conv, err := req.conversation(keyPrefix)
	return actor, conv, err
}

func (s *Server) copilotDraft(c *fiber.Ctx) error {
	actor, conv, err := conversationOf(c, "copilot:")
	if err != nil {
		return err
	}
	res, err := s.deps.Agent.Draft(c.UserContext(), actor, conv)
	if err != nil {
		return err
	}
	return c.JSON(resultJSON{Run: toAgentRunJSON(res.Run, false), Decision: res.Decision, Trace: res.Trace})
}

func (s *Server) copilotSummarize(c *fiber.Ctx) error {
	actor, conv, err := conversationOf(c, "copilot:")
	if err != nil {
		return err
	}
	sum, err := s.deps.Agent.Summarize(c.UserContext(), actor, conv)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"summary": sum, "text": sum.Text()})
}

func (s *Server) copilotTranslate(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	var req struct {
		Text string `json:"text"`
		To   string `json:"to"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	out, err := s.deps.Agent.Translate(c.UserContext(), actor, req.Text, req.To)
	if errors.Is(err, agent.ErrNoTranslation) {
		return &APIError{Status: fiber.StatusConflict, Code: "translation_unavailable", Message: err.Error()}
	}
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"text": out, "to": req.To})
}
