package gorgiastest

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/deskmate/deskmate/gorgias"
)

var httpMethods = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"}

func listIntegrations(c *call) {
	typ := c.r.URL.Query().Get("type")
	var out []gorgias.Integration
	for _, id := range ordered(sortedIDs(c.a.integrations), descending(c)) {
		if i := c.a.integrations[id]; typ == "" || i.Type == typ {
			out = append(out, i.Integration)
		}
	}
	page(c, out, 100)
}

func (c *call) integration() (*integration, bool) {
	return byID(c, c.a.integrations)
}

func getIntegration(c *call) {
	if i, ok := c.integration(); ok {
		c.json(http.StatusOK, i.Integration)
	}
}

func postIntegration(c *call) {
	var in gorgias.Integration
	if !c.decode(&in) {
		return
	}
	switch {
	case in.Type == "":
		c.invalid("type", missing)
		return
	case in.Name == "":
		c.invalid("name", missing)
		return
	}
	if in.Type == gorgias.IntegrationHTTP {
		if in.HTTP == nil {
			c.invalid("http", missing)
			return
		}
		if err := normalizeHTTP(in.HTTP); err != nil {
			c.failErr(err)
			return
		}
	}
	i := c.a.addIntegration(in)
	c.a.event("integration-created", "Integration", i.ID, c.userID, map[string]any{"type": i.Type, "name": i.Name})
	c.json(http.StatusCreated, i.Integration)
}

// normalizeHTTP checks an HTTP integration and writes its triggers with
// hyphens, as Gorgias returns them.
func normalizeHTTP(h *gorgias.HTTPIntegration) *apiError {
	h.Method = strings.ToUpper(cmp.Or(h.Method, "GET"))
	if !slices.Contains(httpMethods, h.Method) {
		return invalid("http.method", "Must be one of: "+strings.Join(httpMethods, ", ")+".")
	}
	if u, err := url.Parse(h.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return invalid("http.url", "Not a valid URL.")
	}
	h.RequestContentType = cmp.Or(h.RequestContentType, gorgias.ContentTypeJSON)
	h.ResponseContentType = cmp.Or(h.ResponseContentType, gorgias.ContentTypeJSON)
	if h.Headers == nil {
		h.Headers = map[string]string{}
	}
	triggers := map[string]bool{}
	for k, v := range h.Triggers {
		triggers[strings.ReplaceAll(k, "_", "-")] = v
	}
	h.Triggers = triggers
	return nil
}

// addIntegration stores an integration with fresh ids and dates.
func (a *account) addIntegration(in gorgias.Integration) *integration {
	id := a.newID()
	in.ID, in.URI = id, fmt.Sprintf("/api/integrations/%d/", id)
	in.CreatedDatetime, in.UpdatedDatetime = now(), now()
	if in.HTTP != nil {
		h := *in.HTTP
		h.ID = a.newID()
		in.HTTP = &h
	}
	i := &integration{Integration: in}
	a.integrations[id] = i
	return i
}

func putIntegration(c *call) {
	i, ok := c.integration()
	if !ok {
		return
	}
	var u gorgias.IntegrationUpdate
	if !c.decode(&u) {
		return
	}
	if h, ok := u.HTTP.Get(); ok {
		if err := normalizeHTTP(&h); err != nil {
			c.failErr(err)
			return
		}
		if i.HTTP != nil {
			h.ID = i.HTTP.ID
		}
		i.HTTP = &h
	}
	setString(&i.Name, u.Name)
	setString(&i.Description, u.Description)
	if !u.DeactivatedDatetime.IsZero() {
		i.DeactivatedDatetime, _ = u.DeactivatedDatetime.Get()
		i.failures = 0
	}
	i.UpdatedDatetime = now()
	c.a.event("integration-updated", "Integration", i.ID, c.userID, nil)
	c.json(http.StatusOK, i.Integration)
}

func deleteIntegration(c *call) {
	i, ok := c.integration()
	if !ok {
		return
	}
	delete(c.a.integrations, i.ID)
	c.a.event("integration-deleted", "Integration", i.ID, c.userID, nil)
	c.w.WriteHeader(http.StatusNoContent)
}
