package gorgiastest

import (
	"crypto/subtle"
	"net/http"
	"slices"
	"strings"

	"github.com/deskmate/deskmate/gorgias"
)

// authenticate checks Basic credentials (the account's admin e-mail and API
// key) or a Bearer token the emulator issued for this account.
func (e *Emulator) authenticate(c *call) bool {
	h := c.r.Header.Get("Authorization")
	if email, key, ok := c.r.BasicAuth(); ok {
		c.auth = gorgias.AuthBasic
		e.mu.Lock()
		defer e.mu.Unlock()
		a := e.accounts[c.domain]
		if a != nil && strings.EqualFold(email, a.opts.Email) && subtle.ConstantTimeCompare([]byte(key), []byte(a.opts.APIKey)) == 1 {
			if u := a.userByEmail(email); u != nil {
				c.userID = u.ID
			}
			return true
		}
		c.fail(http.StatusUnauthorized, "Invalid credentials.", nil)
		return false
	}
	if tok, ok := strings.CutPrefix(h, "Bearer "); ok {
		c.auth = gorgias.AuthOAuth
		claims, problem := e.verifyToken(tok, c.domain)
		if problem != "" {
			c.fail(http.StatusUnauthorized, problem, nil)
			return false
		}
		c.userID = claims.userID()
		c.scopes = strings.Fields(claims.Scope)
		return true
	}
	c.w.Header().Set("WWW-Authenticate", `Basic realm="gorgias"`)
	c.fail(http.StatusUnauthorized, "Authentication required.", nil)
	return false
}

// checkScope answers 403 when an OAuth token lacks the scope of the
// endpoint: <resource>:read for reads, <resource>:write for the rest.
// write:all (the old catch-all) allows everything.
func (e *Emulator) checkScope(c *call, p string) bool {
	if c.auth != gorgias.AuthOAuth || slices.Contains(c.scopes, "write:all") {
		return true
	}
	resource := scopeResource(p)
	if resource == "" {
		return true
	}
	need := resource + ":write"
	if c.r.Method == http.MethodGet || c.r.Method == http.MethodHead {
		if slices.Contains(c.scopes, resource+":read") {
			return true
		}
	}
	if slices.Contains(c.scopes, need) {
		return true
	}
	if c.r.Method == http.MethodGet {
		need = resource + ":read"
	}
	c.fail(http.StatusForbidden, "Missing scope "+need+".", nil)
	return false
}

// scopeResource names the scope family of an API path (the OAuth scopes
// page's table; tags, views and widget actions count as tickets, widgets
// as integrations).
func scopeResource(p string) string {
	seg, _, _ := strings.Cut(strings.TrimPrefix(p, "/api/"), "/")
	switch seg {
	case "tickets", "messages", "tags", "views", "actions":
		return "tickets"
	case "customers":
		return "customers"
	case "users", "teams":
		return "users"
	case "integrations", "widgets":
		return "integrations"
	case "events":
		return "events"
	case "account":
		return "account"
	}
	return ""
}
