package gorgiastest

import (
	"cmp"
	"fmt"
	"net/http"

	"github.com/deskmate/deskmate/gorgias"
)

func listViews(c *call) {
	var out []gorgias.View
	for _, id := range ordered(sortedIDs(c.a.views), descending(c)) {
		out = append(out, *c.a.views[id])
	}
	page(c, out, 30)
}

func (c *call) view() (*gorgias.View, bool) {
	return byID(c, c.a.views)
}

func getView(c *call) {
	if v, ok := c.view(); ok {
		c.json(http.StatusOK, v)
	}
}

func postView(c *call) {
	var v gorgias.View
	if !c.decode(&v) {
		return
	}
	switch {
	case v.Name == "":
		c.invalid("name", missing)
		return
	case v.Slug == "":
		c.invalid("slug", missing)
		return
	}
	id := c.a.newID()
	v.ID, v.URI = id, fmt.Sprintf("/api/views/%d/", id)
	v.Type = cmp.Or(v.Type, "ticket-list")
	v.Visibility = cmp.Or(v.Visibility, "public")
	v.OrderBy, v.OrderDir = cmp.Or(v.OrderBy, "updated_datetime"), cmp.Or(v.OrderDir, "desc")
	v.CreatedDatetime = now()
	c.a.views[id] = &v
	c.a.event("view-created", "View", id, c.userID, nil)
	c.json(http.StatusCreated, v)
}

func deleteView(c *call) {
	v, ok := c.view()
	if !ok {
		return
	}
	delete(c.a.views, v.ID)
	c.a.event("view-deleted", "View", v.ID, c.userID, nil)
	c.w.WriteHeader(http.StatusNoContent)
}
