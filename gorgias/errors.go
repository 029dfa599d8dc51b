package gorgias

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Errors an *APIError matches with errors.Is, by HTTP status.
var (
	ErrUnauthorized = errors.New("gorgias: unauthorized")  // 401
	ErrForbidden    = errors.New("gorgias: forbidden")     // 403
	ErrNotFound     = errors.New("gorgias: not found")     // 404
	ErrConflict     = errors.New("gorgias: conflict")      // 409
	ErrRateLimited  = errors.New("gorgias: rate limited")  // 429
	ErrServer       = errors.New("gorgias: server error")  // 5xx
	ErrInvalid      = errors.New("gorgias: invalid input") // 400, 422
)

// Errors the client returns before or after talking to Gorgias.
var (
	ErrResponseTooLarge = errors.New("gorgias: response larger than the limit")
	ErrRequestTooLarge  = errors.New("gorgias: request body larger than the limit")
)

// APIError is a Gorgias error answer: the status, error.msg and error.data
// ({"field": ["problem"]}) of the body, and the Retry-After of a 429. Its
// text names the method and path, never credentials.
type APIError struct {
	Status     int
	Message    string
	Fields     map[string]any
	RetryAfter time.Duration
	Method     string
	Path       string
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "gorgias: %s %s: %d", e.Method, e.Path, e.Status)
	if e.Message != "" {
		b.WriteString(" " + e.Message)
	}
	if len(e.Fields) > 0 {
		if data, err := json.Marshal(e.Fields); err == nil {
			b.WriteString(" " + clip(string(data), 300))
		}
	}
	return b.String()
}

// Is matches the sentinel error of the status.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.Status == http.StatusUnauthorized
	case ErrForbidden:
		return e.Status == http.StatusForbidden
	case ErrNotFound:
		return e.Status == http.StatusNotFound
	case ErrConflict:
		return e.Status == http.StatusConflict
	case ErrRateLimited:
		return e.Status == http.StatusTooManyRequests
	case ErrServer:
		return e.Status >= 500
	case ErrInvalid:
		return e.Status == http.StatusBadRequest || e.Status == http.StatusUnprocessableEntity
	}
	return false
}

// ErrorBody is the JSON body of a Gorgias error answer.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the "error" member of an error answer.
type ErrorDetail struct {
	Msg  string         `json:"msg"`
	Data map[string]any `json:"data,omitempty"`
}

// newAPIError reads an error answer; a body that is not Gorgias' error JSON
// (a proxy's HTML page) is kept, clipped, as the message.
func newAPIError(method, path string, status int, body []byte) *APIError {
	e := &APIError{Status: status, Method: method, Path: path}
	var eb struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &eb) == nil && len(eb.Error) > 0 {
		var d ErrorDetail
		if json.Unmarshal(eb.Error, &d) == nil {
			e.Message, e.Fields = d.Msg, d.Data
		} else {
			var s string
			_ = json.Unmarshal(eb.Error, &s)
			e.Message = s
		}
	}
	if e.Message == "" {
		e.Message = clip(strings.Join(strings.Fields(string(body)), " "), 200)
	}
	if e.Message == "" {
		e.Message = http.StatusText(status)
	}
	return e
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
