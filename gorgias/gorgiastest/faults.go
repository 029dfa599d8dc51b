package gorgiastest

import (
	"bytes"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/deskmate/deskmate/gorgias"
)

// Fault makes the next Count API requests that match fail.
type Fault struct {
	Account string // "" matches every account
	Method  string // "" matches every method
	// Path is an API path ("/api/tickets/*/messages", path.Match syntax)
	// or, ending in "/", a prefix; "" matches every path.
	Path  string
	Count int // default 1
	// Status answers with this status (default 503) and Gorgias' error
	// body, with RetryAfter seconds in Retry-After when set.
	Status     int
	RetryAfter int
	// Hang holds the request until the client gives up (or Close).
	Hang bool
	// AfterWrite lets the request do its work first (a message is posted,
	// a ticket updated) and then answers with the fault: the answer is lost
	// as when a connection drops, or a process dies, after Gorgias acted.
	AfterWrite bool
}

func (f *Fault) matches(c *call, p string) bool {
	if f.Account != "" && f.Account != c.domain {
		return false
	}
	if f.Method != "" && !strings.EqualFold(f.Method, c.r.Method) {
		return false
	}
	switch {
	case f.Path == "":
		return true
	case strings.HasSuffix(f.Path, "/"):
		return strings.HasPrefix(p+"/", f.Path)
	default:
		ok, _ := path.Match(f.Path, p)
		return ok
	}
}

// InjectFault adds a fault; faults apply in the order added.
func (e *Emulator) InjectFault(f Fault) {
	if f.Count <= 0 {
		f.Count = 1
	}
	if f.Status == 0 {
		f.Status = http.StatusServiceUnavailable
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = append(e.faults, &f)
}

// injectFault answers the request with a pending fault, if one matches
// (faults that come after the write: when after is true).
func (e *Emulator) injectFault(c *call, p string, after bool, work func(http.ResponseWriter)) bool {
	e.mu.Lock()
	var f *Fault
	for i, cand := range e.faults {
		if cand.AfterWrite == after && cand.matches(c, p) {
			f = cand
			if f.Count--; f.Count <= 0 {
				e.faults = append(e.faults[:i], e.faults[i+1:]...)
			}
			break
		}
	}
	e.mu.Unlock()
	if f == nil {
		return false
	}
	if work != nil {
		real := c.w
		c.w = &recorder{ResponseWriter: &discard{header: http.Header{}}}
		work(c.w)
		c.w = real
	}
	if f.Hang {
		select {
		case <-c.r.Context().Done():
		case <-e.ctx.Done():
		}
		c.w.WriteHeader(http.StatusGatewayTimeout)
		return true
	}
	if f.RetryAfter > 0 {
		c.w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
	}
	c.fail(f.Status, http.StatusText(f.Status), nil)
	return true
}

// RequestRecord is one request the emulator answered.
type RequestRecord struct {
	Account string
	Method  string
	Path    string // within the account: "/api/tickets/1001/messages"
	Query   string
	Status  int
	Auth    gorgias.AuthKind // "" when unauthenticated
	Body    []byte           // the request body (first 64 KiB)
}

func (e *Emulator) record(c *call, r *http.Request, p string, status int) {
	// A copy: the record must not keep the whole request body alive.
	body := bytes.Clone(c.body[:min(len(c.body), 64<<10)])
	e.mu.Lock()
	defer e.mu.Unlock()
	e.requests = append(e.requests, RequestRecord{
		Account: c.domain, Method: r.Method, Path: p, Query: r.URL.RawQuery,
		Status: status, Auth: c.auth, Body: body,
	})
	if keep := e.opts.KeepRequests; keep > 0 && len(e.requests) >= 2*keep {
		e.requests = slices.Clone(e.requests[len(e.requests)-keep:])
	}
}

// Requests returns every request answered so far (API and OAuth; not the
// /_emulator/ endpoints).
func (e *Emulator) Requests() []RequestRecord {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]RequestRecord(nil), e.requests...)
}

// CountRequests counts the requests with that method ("" for any) whose
// path matches pattern (path.Match syntax: "/api/tickets/*/messages").
func (e *Emulator) CountRequests(method, pattern string) int {
	n := 0
	for _, r := range e.Requests() {
		if ok, _ := path.Match(pattern, r.Path); ok && (method == "" || strings.EqualFold(method, r.Method)) {
			n++
		}
	}
	return n
}

// discard is a response nobody reads.
type discard struct{ header http.Header }

func (d *discard) Header() http.Header         { return d.header }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}
