package gorgiastest

import (
	"net/http"
	"slices"
	"strings"

	"github.com/deskmate/deskmate/gorgias"
)

func listTags(c *call) {
	q := c.r.URL.Query()
	var out []gorgias.Tag
	for _, id := range ordered(sortedIDs(c.a.tags), descending(c)) {
		t := c.a.tags[id]
		if name := q.Get("name"); name != "" && name != t.Name {
			continue
		}
		if s := q.Get("search"); s != "" && !strings.Contains(strings.ToLower(t.Name), strings.ToLower(s)) {
			continue
		}
		out = append(out, *t)
	}
	page(c, out, 30)
}

func getTag(c *call) {
	if t, ok := byID(c, c.a.tags); ok {
		c.json(http.StatusOK, t)
	}
}

func postTag(c *call) {
	var in gorgias.TagInput
	if !c.decode(&in) {
		return
	}
	switch {
	case in.Name == "":
		c.invalid("name", missing)
		return
	case len(in.Name) > 256:
		c.invalid("name", "Longer than maximum length 256.")
		return
	case c.a.tagByName(in.Name) != nil:
		c.fail(http.StatusConflict, "A tag with this name already exists.", nil)
		return
	}
	t := c.a.addTag(in.Name, in.Description, in.Decoration)
	c.json(http.StatusCreated, t)
}

func deleteTag(c *call) {
	id, ok := c.id("id")
	if !ok {
		return
	}
	if _, found := c.a.tags[id]; !found {
		c.notFound()
		return
	}
	delete(c.a.tags, id)
	for _, t := range c.a.tickets {
		t.tagIDs = slices.DeleteFunc(t.tagIDs, func(x int64) bool { return x == id })
	}
	c.a.event("tag-deleted", "Tag", id, c.userID, nil)
	c.w.WriteHeader(http.StatusNoContent)
}

func listTicketTags(c *call) {
	t, ok := c.ticket()
	if !ok {
		return
	}
	var out []gorgias.Tag
	for _, id := range t.tagIDs {
		if tag, found := c.a.tags[id]; found {
			out = append(out, *tag)
		}
	}
	page(c, out, 30)
}

// ticketTagsBody reads {"ids": […], "names": […]} as tag references.
func (c *call) ticketTagsBody() ([]gorgias.Ref, bool) {
	var in gorgias.TicketTags
	if !c.decode(&in) {
		return nil, false
	}
	var refs []gorgias.Ref
	for _, id := range in.IDs {
		refs = append(refs, gorgias.Ref{ID: id})
	}
	for _, n := range in.Names {
		refs = append(refs, gorgias.Ref{Name: n})
	}
	return refs, true
}

func (e *Emulator) postTicketTags(c *call) {
	t, ok := c.ticket()
	if !ok {
		return
	}
	refs, ok := c.ticketTagsBody()
	if !ok {
		return
	}
	ids, err := c.a.resolveTags(refs)
	if err != nil {
		c.failErr(err)
		return
	}
	e.changeTags(c.a, t, ids, nil, c.userID)
	c.json(http.StatusCreated, map[string]any{})
}

func (e *Emulator) putTicketTags(c *call) {
	t, ok := c.ticket()
	if !ok {
		return
	}
	refs, ok := c.ticketTagsBody()
	if !ok {
		return
	}
	ids, err := c.a.resolveTags(refs)
	if err != nil {
		c.failErr(err)
		return
	}
	var remove []int64
	for _, id := range t.tagIDs {
		if !slices.Contains(ids, id) {
			remove = append(remove, id)
		}
	}
	e.changeTags(c.a, t, ids, remove, c.userID)
	c.json(http.StatusAccepted, map[string]any{})
}

func (e *Emulator) deleteTicketTags(c *call) {
	t, ok := c.ticket()
	if !ok {
		return
	}
	refs, ok := c.ticketTagsBody()
	if !ok {
		return
	}
	var remove []int64
	for _, ref := range refs {
		if tag, found := c.a.tags[ref.ID]; found {
			remove = append(remove, tag.ID)
		} else if tag := c.a.tagByName(ref.Name); ref.Name != "" && tag != nil {
			remove = append(remove, tag.ID)
		}
	}
	e.changeTags(c.a, t, nil, remove, c.userID)
	c.w.WriteHeader(http.StatusNoContent)
}

// changeTags adds and removes tags on a ticket; when that changes the
// ticket, ticket-updated fires.
func (e *Emulator) changeTags(a *account, t *ticket, add, remove []int64, actor int64) {
	before := slices.Clone(t.tagIDs)
	for _, id := range add {
		if !slices.Contains(t.tagIDs, id) {
			t.tagIDs = append(t.tagIDs, id)
			a.tags[id].Usage++
		}
	}
	for _, id := range remove {
		if i := slices.Index(t.tagIDs, id); i >= 0 {
			t.tagIDs = slices.Delete(t.tagIDs, i, i+1)
			if tag, ok := a.tags[id]; ok {
				tag.Usage--
			}
		}
	}
	if !slices.Equal(before, t.tagIDs) {
		e.touched(a, t, actor)
	}
}

// replaceTags sets a ticket's tags (the caller fires the update).
func (a *account) replaceTags(t *ticket, ids []int64) {
	for _, id := range t.tagIDs {
		if tag, ok := a.tags[id]; ok {
			tag.Usage--
		}
	}
	t.tagIDs = slices.Clone(ids)
	for _, id := range ids {
		a.tags[id].Usage++
	}
}
