package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"
)

// checkSchema is the tiny schema CheckChat asks an answer to match.
var checkSchema = json.RawMessage(`{"type":"object","properties":{"ok":{"type":"boolean"}},"required":["ok"],"additionalProperties":false}`)

// checkMaxTokens leaves a thinking model room to think before answering.
const checkMaxTokens = 512

// CheckChat asks c for a tiny JSON object matching a tiny schema, as the
// settings page does to test a chat model, and checks the answer parses. It
// returns the model that answered and how long it took; the error says what
// failed: the server unreachable, the API key refused, the model not found,
// structured output not supported, no answer in time.
func CheckChat(ctx context.Context, c Chat) (model string, took time.Duration, err error) {
	start := time.Now()
	resp, err := c.Chat(ctx, ChatRequest{
		System:     `This is a connection check. Answer with the JSON object {"ok": true}.`,
		Messages:   []ChatMessage{{Role: RoleUser, Content: "Are you there?"}},
		Schema:     checkSchema,
		SchemaName: "connection_check",
		MaxTokens:  checkMaxTokens,
	})
	took = time.Since(start)
	if err != nil {
		return c.Model(), took, explainCheck(err)
	}
	var v struct {
		OK *bool `json:"ok"`
	}
	if json.Unmarshal([]byte(strings.TrimSpace(resp.Content)), &v) != nil || v.OK == nil {
		if resp.Content == "" && resp.FinishReason == "length" {
			return resp.Model, took, fmt.Errorf("%s answered nothing within %d tokens (a thinking model that needs more?)", c.Model(), checkMaxTokens)
		}
		return resp.Model, took, fmt.Errorf("%s answered, but not with JSON matching the schema (does it support structured output?): %q",
			c.Model(), clip(resp.Content, 200))
	}
	return resp.Model, took, nil
}

// explainCheck puts what failed in front of a chat error.
func explainCheck(err error) error {
	var se *statusError
	var te *timeoutError
	var dns *net.DNSError
	var op *net.OpError
	hint := ""
	switch {
	case errors.As(err, &se):
		msg := strings.ToLower(se.msg)
		switch {
		case se.code == http.StatusUnauthorized:
			hint = "the API key was refused"
		case se.code == http.StatusForbidden:
			hint = "access was denied"
		case se.code == http.StatusNotFound:
			hint = "not found: check the model name (pulled, for Ollama) and the base URL"
		case se.code == http.StatusTooManyRequests:
			hint = "rate limited or out of quota"
		case se.code >= 500:
			hint = "the server failed"
		case strings.Contains(msg, "response_format") || strings.Contains(msg, "json_schema") ||
			strings.Contains(msg, "schema") || strings.Contains(msg, "format"):
			hint = "structured output (a JSON schema) is not supported"
		default:
			hint = "the request was refused"
		}
	case errors.As(err, &te):
		hint = "no answer in time (is the model still loading?)"
	case errors.As(err, &dns):
		hint = "the host name does not resolve"
	case errors.As(err, &op) && op.Op == "dial":
		hint = "the server is unreachable"
	default:
		return err
	}
	return fmt.Errorf("%s: %w", hint, err)
}
