package gorgiastest

import (
	"cmp"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/deskmate/deskmate/gorgias"
)

var priorities = []string{"low", "normal", "high", "critical"}

func listTickets(c *call) {
	q := c.r.URL.Query()
	ids := sortedIDs(c.a.tickets)
	if strings.HasPrefix(q.Get("order_by"), "updated_datetime") {
		slices.SortStableFunc(ids, func(x, y int64) int {
			return c.a.tickets[x].t.UpdatedDatetime.Compare(c.a.tickets[y].t.UpdatedDatetime.Time)
		})
	}
	var viewTags []string
	if v := q.Get("view_id"); v != "" {
		id, _ := strconv.ParseInt(v, 10, 64)
		view, ok := c.a.views[id]
		if !ok {
			c.invalid("view_id", "Unknown view.")
			return
		}
		viewTags = filterTags(view.Filters)
	}
	var out []gorgias.Ticket
	for _, id := range ordered(ids, descending(c)) {
		t := c.a.tickets[id]
		switch {
		case q.Get("customer_id") != "" && q.Get("customer_id") != strconv.FormatInt(t.customerID, 10),
			q.Get("external_id") != "" && q.Get("external_id") != t.t.ExternalID,
			q.Has("ticket_ids") && !slices.Contains(q["ticket_ids"], strconv.FormatInt(id, 10)),
			q.Get("trashed") != "true" && !t.t.TrashedDatetime.IsZero():
			continue
		}
		ticket := c.a.ticketOut(t, false)
		if len(viewTags) > 0 && !slices.ContainsFunc(viewTags, ticket.HasTag) {
			continue
		}
		out = append(out, ticket)
	}
	page(c, out, 30)
}

// viewTagFilter reads the tag names of containsAny(ticket.tags.name, [...]),
// the one view filter the emulator applies.
var viewTagFilter = regexp.MustCompile(`containsAny\(\s*ticket\.tags\.name\s*,\s*\[([^\]]*)\]\s*\)`)

func filterTags(filters string) []string {
	m := viewTagFilter.FindStringSubmatch(filters)
	if m == nil {
		return nil
	}
	var names []string
	for _, part := range strings.Split(m[1], ",") {
		if n := strings.Trim(strings.TrimSpace(part), `'"`); n != "" {
			names = append(names, n)
		}
	}
	return names
}

func (c *call) ticket() (*ticket, bool) {
	return byID(c, c.a.tickets)
}

func getTicket(c *call) {
	if t, ok := c.ticket(); ok {
		c.json(http.StatusOK, c.a.ticketOut(t, true))
	}
}

func (e *Emulator) postTicket(c *call) {
	var in gorgias.TicketInput
	if !c.decode(&in) {
		return
	}
	t, err := e.createTicket(c.a, in, c.userID)
	if err != nil {
		c.failErr(err)
		return
	}
	c.json(http.StatusCreated, c.a.ticketOut(t, true))
}

func (e *Emulator) putTicket(c *call) {
	t, ok := c.ticket()
	if !ok {
		return
	}
	var u gorgias.TicketUpdate
	if !c.decode(&u) {
		return
	}
	if err := e.updateTicket(c.a, t, u, c.userID); err != nil {
		c.failErr(err)
		return
	}
	c.json(http.StatusOK, c.a.ticketOut(t, true))
}

func deleteTicket(c *call) {
	t, ok := c.ticket()
	if !ok {
		return
	}
	for _, id := range t.messageIDs {
		delete(c.a.messages, id)
	}
	delete(c.a.tickets, t.t.ID)
	c.a.event("ticket-deleted", "Ticket", t.t.ID, c.userID, nil)
	c.w.WriteHeader(http.StatusNoContent)
}

// createTicket makes a ticket and its first messages, firing ticket-created
// and then ticket-message-created for each message.
func (e *Emulator) createTicket(a *account, in gorgias.TicketInput, actor int64) (*ticket, *apiError) {
	if in.Channel == "" {
		return nil, invalid("channel", missing)
	}
	if len(in.Messages) == 0 {
		return nil, invalid("messages", "Must contain at least 1 item.")
	}
	for i, m := range in.Messages {
		if err := validateMessage(m); err != nil {
			return nil, &apiError{status: err.status, msg: err.msg, data: map[string]any{"messages": map[string]any{strconv.Itoa(i): err.data}}}
		}
	}
	if in.Status != "" && in.Status != gorgias.StatusOpen && in.Status != gorgias.StatusClosed {
		return nil, invalid("status", "Must be one of: open, closed.")
	}
	customer, err := a.ticketCustomer(in)
	if err != nil {
		return nil, err
	}
	t := &ticket{customerID: customer.ID}
	if in.AssigneeUser != nil {
		u, err := a.resolveUser(*in.AssigneeUser, "assignee_user")
		if err != nil {
			return nil, err
		}
		t.assigneeUserID = u.ID
	}
	if in.AssigneeTeam != nil {
		tm, ok := a.teams[in.AssigneeTeam.ID]
		if !ok {
			return nil, invalid("assignee_team", "Unknown team.")
		}
		t.assigneeTeamID = tm.ID
	}
	tagIDs, err := a.resolveTags(in.Tags)
	if err != nil {
		return nil, err
	}
	created := in.CreatedDatetime
	if created.IsZero() {
		created = now()
	}
	id := a.newID()
	t.tagIDs = tagIDs
	t.t = gorgias.Ticket{
		ID: id, ExternalID: in.ExternalID, Status: cmp.Or(in.Status, gorgias.StatusOpen), Priority: "normal",
		Channel: in.Channel, Via: cmp.Or(in.Via, gorgias.ViaAPI), FromAgent: in.FromAgent, IsUnread: true,
		Language: in.Language, Subject: in.Subject, Meta: in.Meta,
		CreatedDatetime: created, UpdatedDatetime: created, OpenedDatetime: created,
	}
	if t.t.Status == gorgias.StatusClosed {
		t.t.ClosedDatetime = created
	}
	a.tickets[id] = t
	for _, tid := range tagIDs {
		a.tags[tid].Usage++
	}
	var msgs []*gorgias.Message
	for _, in := range in.Messages {
		m, err := e.addMessage(a, t, in, actor, false)
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, m)
	}
	a.event("ticket-created", "Ticket", id, actor, map[string]any{"channel": t.t.Channel, "via": t.t.Via})
	e.fire(a, gorgias.TriggerTicketCreated, t, nil)
	for _, m := range msgs {
		e.fire(a, gorgias.TriggerTicketMessageCreated, t, m)
	}
	return t, nil
}

// ticketCustomer finds the ticket's customer by id or e-mail, or by the
// first message's sender, creating one for an unknown e-mail.
func (a *account) ticketCustomer(in gorgias.TicketInput) (*gorgias.Customer, *apiError) {
	ref := in.Customer
	if ref == nil && in.Messages[0].Sender != nil && !in.Messages[0].FromAgent {
		ref = in.Messages[0].Sender
	}
	if ref == nil && in.Messages[0].Receiver != nil {
		ref = in.Messages[0].Receiver
	}
	switch {
	case ref == nil:
		return nil, invalid("customer", missing)
	case ref.ID != 0:
		cu, ok := a.customers[ref.ID]
		if !ok {
			return nil, invalid("customer", "Unknown customer.")
		}
		return cu, nil
	case ref.Email != "":
		return a.findOrAddCustomer(ref.Email, ref.Name), nil
	}
	return nil, invalid("customer", "An id or an email is required.")
}

// resolveUser finds a user by id or e-mail.
func (a *account) resolveUser(ref gorgias.Ref, field string) (*gorgias.User, *apiError) {
	if u, ok := a.users[ref.ID]; ok {
		return u, nil
	}
	if ref.Email != "" {
		if u := a.userByEmail(ref.Email); u != nil {
			return u, nil
		}
	}
	return nil, invalid(field, "Unknown user.")
}

// resolveTags finds tags by id, or by name, creating unknown names.
func (a *account) resolveTags(refs []gorgias.Ref) ([]int64, *apiError) {
	var ids []int64
	for _, ref := range refs {
		var tag *gorgias.Tag
		switch {
		case ref.ID != 0:
			tag = a.tags[ref.ID]
			if tag == nil {
				return nil, invalid("tags", "Unknown tag "+strconv.FormatInt(ref.ID, 10)+".")
			}
		case ref.Name != "":
			if tag = a.tagByName(ref.Name); tag == nil {
				tag = a.addTag(ref.Name, "", nil)
			}
		default:
			return nil, invalid("tags", "A tag needs an id or a name.")
		}
		if !slices.Contains(ids, tag.ID) {
			ids = append(ids, tag.ID)
		}
	}
	return ids, nil
}

// updateTicket applies a partial update and fires ticket-updated.
func (e *Emulator) updateTicket(a *account, t *ticket, u gorgias.TicketUpdate, actor int64) *apiError {
	// Check everything first, so a bad field changes nothing.
	if s, ok := u.Status.Get(); (ok && s != gorgias.StatusOpen && s != gorgias.StatusClosed) || u.Status.IsNull() {
		return invalid("status", "Must be one of: open, closed.")
	}
	if p, ok := u.Priority.Get(); (ok && !slices.Contains(priorities, p)) || u.Priority.IsNull() {
		return invalid("priority", "Must be one of: "+strings.Join(priorities, ", ")+".")
	}
	var user *gorgias.User
	if ref, ok := u.AssigneeUser.Get(); ok {
		var err *apiError
		if user, err = a.resolveUser(ref, "assignee_user"); err != nil {
			return err
		}
	}
	if ref, ok := u.AssigneeTeam.Get(); ok {
		if _, found := a.teams[ref.ID]; !found {
			return invalid("assignee_team", "Unknown team.")
		}
	}
	var tagIDs []int64
	if refs, ok := u.Tags.Get(); ok {
		var err *apiError
		if tagIDs, err = a.resolveTags(refs); err != nil {
			return err
		}
	}

	tt := &t.t
	if s, ok := u.Status.Get(); ok && s != tt.Status {
		a.setStatus(t, s, actor)
	}
	if p, ok := u.Priority.Get(); ok {
		tt.Priority = p
	}
	setString(&tt.Subject, u.Subject)
	setString(&tt.Language, u.Language)
	setString(&tt.ExternalID, u.ExternalID)
	if v, ok := u.Spam.Get(); ok {
		tt.Spam = v
	}
	if v, ok := u.IsUnread.Get(); ok {
		tt.IsUnread = v
	}
	if !u.AssigneeUser.IsZero() {
		before := t.assigneeUserID
		t.assigneeUserID = 0
		if user != nil {
			t.assigneeUserID = user.ID
		}
		if before != t.assigneeUserID {
			typ := "ticket-assigned"
			if t.assigneeUserID == 0 {
				typ = "ticket-unassigned"
			}
			a.event(typ, "Ticket", tt.ID, actor, map[string]any{"assignee_user_id": t.assigneeUserID})
		}
	}
	if !u.AssigneeTeam.IsZero() {
		ref, _ := u.AssigneeTeam.Get()
		t.assigneeTeamID = ref.ID
	}
	if !u.SnoozeDatetime.IsZero() {
		tt.SnoozeDatetime, _ = u.SnoozeDatetime.Get()
	}
	if !u.TrashedDatetime.IsZero() {
		tt.TrashedDatetime, _ = u.TrashedDatetime.Get()
	}
	if !u.Meta.IsZero() {
		tt.Meta, _ = u.Meta.Get()
	}
	if !u.Tags.IsZero() {
		a.replaceTags(t, tagIDs)
	}
	e.touched(a, t, actor)
	return nil
}

// setStatus opens or closes a ticket.
func (a *account) setStatus(t *ticket, status string, actor int64) {
	t.t.Status = status
	if status == gorgias.StatusClosed {
		t.t.ClosedDatetime = now()
		a.event("ticket-closed", "Ticket", t.t.ID, actor, nil)
		return
	}
	t.t.ClosedDatetime = gorgias.Time{}
	t.t.SnoozeDatetime = gorgias.Time{}
	a.event("ticket-reopened", "Ticket", t.t.ID, actor, nil)
}

// touched records a change to a ticket and fires ticket-updated.
func (e *Emulator) touched(a *account, t *ticket, actor int64) {
	t.t.UpdatedDatetime = now()
	a.event("ticket-updated", "Ticket", t.t.ID, actor, nil)
	e.fire(a, gorgias.TriggerTicketUpdated, t, nil)
}

func setString(dst *string, o gorgias.Optional[string]) {
	if !o.IsZero() {
		*dst, _ = o.Get()
	}
}
