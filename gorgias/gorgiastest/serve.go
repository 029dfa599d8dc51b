package gorgiastest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/deskmate/deskmate/gorgias"
)

// call is one API request on its way through the emulator.
type call struct {
	e      *Emulator
	w      http.ResponseWriter
	r      *http.Request
	domain string
	a      *account // set under e.mu by locked
	body   []byte
	auth   gorgias.AuthKind
	userID int64 // the authenticated user
	scopes []string
}

type callKey struct{}

// ServeHTTP routes /{account}/api/…, /{account}/oauth/… and /_emulator/….
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/_emulator" || strings.HasPrefix(r.URL.Path, "/_emulator/") {
		e.sandbox.ServeHTTP(w, r)
		return
	}
	domain, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	rest = "/" + strings.TrimSuffix(rest, "/")
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	c := &call{e: e, w: rec, domain: strings.ToLower(domain)}
	defer func() { e.record(c, r, rest, rec.status) }()

	body, err := io.ReadAll(http.MaxBytesReader(rec, r.Body, e.opts.MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			c.fail(http.StatusRequestEntityTooLarge, "Request body too large.", nil)
			return
		}
		c.fail(http.StatusBadRequest, "Could not read the request body.", nil)
		return
	}
	c.body = body
	e.mu.Lock()
	_, known := e.accounts[c.domain]
	e.mu.Unlock()
	if !known {
		c.fail(http.StatusNotFound, "Resource not found.", nil)
		return
	}
	r2 := r.Clone(context.WithValue(r.Context(), callKey{}, c))
	r2.URL.Path, r2.URL.RawPath = rest, ""
	r2.Body = io.NopCloser(bytes.NewReader(body))
	c.r = r2
	switch {
	case strings.HasPrefix(rest, "/oauth/"):
		e.oauth.ServeHTTP(rec, r2)
	case strings.HasPrefix(rest, "/api/") || rest == "/api":
		if e.injectFault(c, rest, false, nil) || !e.authenticate(c) || !e.rateLimit(c) || !e.checkScope(c, rest) {
			return
		}
		if e.injectFault(c, rest, true, func(w http.ResponseWriter) { e.api.ServeHTTP(w, r2) }) {
			return
		}
		e.api.ServeHTTP(rec, r2)
	default:
		c.fail(http.StatusNotFound, "Resource not found.", nil)
	}
}

// locked runs an API handler under e.mu with the request's account.
func (e *Emulator) locked(fn func(c *call)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := r.Context().Value(callKey{}).(*call)
		c.r = r
		e.mu.Lock()
		defer e.mu.Unlock()
		c.a = e.accounts[c.domain]
		if c.a == nil {
			c.fail(http.StatusNotFound, "Resource not found.", nil)
			return
		}
		fn(c)
	}
}

// recorder remembers the status for the request log.
type recorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func (c *call) json(status int, v any) { writeJSON(c.w, status, v) }

// fail answers with Gorgias' error body.
func (c *call) fail(status int, msg string, data map[string]any) {
	writeJSON(c.w, status, gorgias.ErrorBody{Error: gorgias.ErrorDetail{Msg: msg, Data: data}})
}

func (c *call) failErr(err *apiError) { c.fail(err.status, err.msg, err.data) }

func (c *call) notFound() { c.fail(http.StatusNotFound, "Resource not found.", nil) }

// invalid answers 400 with one problem for one field.
func (c *call) invalid(field, problem string) {
	c.failErr(invalid(field, problem))
}

// decode reads the JSON body into v, answering 400 when it cannot.
func (c *call) decode(v any) bool {
	if len(bytes.TrimSpace(c.body)) == 0 {
		c.fail(http.StatusBadRequest, "Failed to validate request.", map[string]any{"_schema": []string{"A JSON body is required."}})
		return false
	}
	if err := json.Unmarshal(c.body, v); err != nil {
		c.fail(http.StatusBadRequest, "Failed to validate request.", map[string]any{"_schema": []string{"Invalid JSON: " + err.Error()}})
		return false
	}
	return true
}

// id reads a numeric path value.
func (c *call) id(name string) (int64, bool) {
	id, err := strconv.ParseInt(c.r.PathValue(name), 10, 64)
	if err != nil {
		c.notFound()
		return 0, false
	}
	return id, true
}

// byID finds the record the path's {id} names; a malformed or unknown id
// is answered 404.
func byID[T any](c *call, records map[int64]T) (T, bool) {
	var zero T
	id, ok := c.id("id")
	if !ok {
		return zero, false
	}
	r, found := records[id]
	if !found {
		c.notFound()
		return zero, false
	}
	return r, true
}

// apiError is a failed operation, written as Gorgias' error body.
type apiError struct {
	status int
	msg    string
	data   map[string]any
}

func (e *apiError) Error() string { return e.msg }

func invalid(field, problem string) *apiError {
	return &apiError{status: http.StatusBadRequest, msg: "Failed to validate request.", data: map[string]any{field: []string{problem}}}
}

const missing = "Missing data for required field."

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage("null")
	}
	return b
}
