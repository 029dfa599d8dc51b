package gorgiastest

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/deskmate/deskmate/gorgias"
)

func listEvents(c *call) {
	q := c.r.URL.Query()
	types := q["types"]
	var out []gorgias.Event
	for _, ev := range c.a.events {
		switch {
		case len(types) > 0 && !slices.Contains(types, ev.Type),
			q.Get("object_type") != "" && q.Get("object_type") != ev.ObjectType,
			q.Get("object_id") != "" && q.Get("object_id") != strconv.FormatInt(ev.ObjectID, 10):
			continue
		}
		out = append(out, ev)
	}
	if descending(c) {
		slices.Reverse(out)
	}
	page(c, out, 30)
}

func getEvent(c *call) {
	id, ok := c.id("id")
	if !ok {
		return
	}
	for _, ev := range c.a.events {
		if ev.ID == id {
			c.json(http.StatusOK, ev)
			return
		}
	}
	c.notFound()
}
