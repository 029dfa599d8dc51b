package gorgiastest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"

	"github.com/deskmate/deskmate/gorgias"
)

var widgetContexts = []string{gorgias.WidgetContextTicket, gorgias.WidgetContextCustomer}

func listWidgets(c *call) {
	var out []gorgias.Widget
	for _, id := range sortedIDs(c.a.widgets) {
		out = append(out, *c.a.widgets[id])
	}
	slices.SortStableFunc(out, func(x, y gorgias.Widget) int { return x.Order - y.Order })
	page(c, out, 100)
}

func (c *call) widget() (*gorgias.Widget, bool) {
	return byID(c, c.a.widgets)
}

func getWidget(c *call) {
	if w, ok := c.widget(); ok {
		c.json(http.StatusOK, w)
	}
}

func validateWidget(a *account, w *gorgias.Widget) *apiError {
	switch {
	case w.Type == "":
		return invalid("type", missing)
	case !slices.Contains(widgetContexts, w.Context):
		return invalid("context", "Must be one of: ticket, customer.")
	case w.Template.Type == "":
		return invalid("template", missing)
	case w.Type == gorgias.IntegrationHTTP && a.integrations[w.IntegrationID] == nil:
		return invalid("integration_id", "Unknown integration.")
	}
	return nil
}

func postWidget(c *call) {
	var w gorgias.Widget
	if !c.decode(&w) {
		return
	}
	if err := validateWidget(c.a, &w); err != nil {
		c.failErr(err)
		return
	}
	id := c.a.newID()
	w.ID, w.URI = id, fmt.Sprintf("/api/widgets/%d/", id)
	w.CreatedDatetime, w.UpdatedDatetime, w.DeactivatedDatetime = now(), now(), gorgias.Time{}
	c.a.widgets[id] = &w
	c.a.event("widget-created", "Widget", id, c.userID, nil)
	c.json(http.StatusCreated, w)
}

// putWidget changes the members present in the body.
func putWidget(c *call) {
	w, ok := c.widget()
	if !ok {
		return
	}
	var present map[string]json.RawMessage
	if !c.decode(&present) {
		return
	}
	next := *w
	if _, ok := present["template"]; ok {
		// A new template replaces the old one; decoding into the copy
		// would write through to the old one's nodes.
		next.Template = gorgias.WidgetNode{}
	}
	if err := json.Unmarshal(c.body, &next); err != nil {
		c.invalid("_schema", err.Error())
		return
	}
	next.ID, next.URI, next.CreatedDatetime = w.ID, w.URI, w.CreatedDatetime
	if err := validateWidget(c.a, &next); err != nil {
		c.failErr(err)
		return
	}
	next.UpdatedDatetime = now()
	*w = next
	c.a.event("widget-updated", "Widget", w.ID, c.userID, nil)
	c.json(http.StatusOK, w)
}

func deleteWidget(c *call) {
	w, ok := c.widget()
	if !ok {
		return
	}
	delete(c.a.widgets, w.ID)
	c.a.event("widget-deleted", "Widget", w.ID, c.userID, nil)
	c.w.WriteHeader(http.StatusNoContent)
}
