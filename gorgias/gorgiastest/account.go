package gorgiastest

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/deskmate/deskmate/gorgias"
)

// account is one emulated Gorgias account. Every field is guarded by
// Emulator.mu.
type account struct {
	domain  string
	opts    AccountOptions
	created time.Time
	nextID  int64

	adminID, botID, emailIntegrationID, shopifyIntegrationID int64

	users        map[int64]*gorgias.User
	teams        map[int64]*gorgias.Team
	customers    map[int64]*gorgias.Customer
	tickets      map[int64]*ticket
	messages     map[int64]*gorgias.Message
	tags         map[int64]*gorgias.Tag
	integrations map[int64]*integration
	widgets      map[int64]*gorgias.Widget
	views        map[int64]*gorgias.View
	events       []gorgias.Event
}

// ticket keeps a ticket's own fields; its customer, assignees, tags and
// messages are held by id and resolved when it is written out.
type ticket struct {
	t              gorgias.Ticket
	customerID     int64
	assigneeUserID int64
	assigneeTeamID int64
	tagIDs         []int64
	messageIDs     []int64
}

// integration is an integration and its run of failed deliveries.
type integration struct {
	gorgias.Integration
	failures int
}

func (e *Emulator) newAccount(o AccountOptions, sample bool) *account {
	a := &account{
		domain:       o.Domain,
		opts:         o,
		created:      time.Now(),
		nextID:       1000,
		users:        map[int64]*gorgias.User{},
		teams:        map[int64]*gorgias.Team{},
		customers:    map[int64]*gorgias.Customer{},
		tickets:      map[int64]*ticket{},
		messages:     map[int64]*gorgias.Message{},
		tags:         map[int64]*gorgias.Tag{},
		integrations: map[int64]*integration{},
		widgets:      map[int64]*gorgias.Widget{},
		views:        map[int64]*gorgias.View{},
	}
	e.seedAccount(a, sample)
	return a
}

// newID hands out ids from one sequence, so an id of one kind never finds
// an object of another.
func (a *account) newID() int64 {
	a.nextID++
	return a.nextID
}

func (a *account) supportAddress() string { return "support@" + a.domain + ".example" }

func now() gorgias.Time { return gorgias.NewTime(time.Now()) }

// sortedIDs returns a map's keys in increasing order.
func sortedIDs[T any](m map[int64]T) []int64 {
	return slices.Sorted(maps.Keys(m))
}

// event appends to the account's event log.
func (a *account) event(typ, objectType string, objectID, userID int64, data any) {
	id := a.newID()
	a.events = append(a.events, gorgias.Event{
		ID: id, URI: fmt.Sprintf("/api/events/%d/", id),
		Type: typ, ObjectType: objectType, ObjectID: objectID, UserID: userID,
		Context: fmt.Sprintf("emulator-%d", id), Data: mustJSON(data), CreatedDatetime: now(),
	})
}

func (a *account) userByEmail(email string) *gorgias.User {
	for _, id := range sortedIDs(a.users) {
		if strings.EqualFold(a.users[id].Email, email) {
			return a.users[id]
		}
	}
	return nil
}

func (a *account) customerByEmail(email string) *gorgias.Customer {
	for _, id := range sortedIDs(a.customers) {
		if strings.EqualFold(a.customers[id].Email, email) {
			return a.customers[id]
		}
	}
	return nil
}

func (a *account) tagByName(name string) *gorgias.Tag {
	for _, id := range sortedIDs(a.tags) {
		if a.tags[id].Name == name {
			return a.tags[id]
		}
	}
	return nil
}

// addUser creates a user.
func (a *account) addUser(email, name, role string) *gorgias.User {
	id := a.newID()
	first, last, _ := strings.Cut(name, " ")
	u := &gorgias.User{
		ID: id, URI: fmt.Sprintf("/api/users/%d/", id), Active: true,
		Email: email, Name: name, Firstname: first, Lastname: last,
		Role: &gorgias.UserRole{Name: role}, Meta: gorgias.Object{},
		CreatedDatetime: now(), UpdatedDatetime: now(),
	}
	a.users[id] = u
	return u
}

// addCustomer creates a customer with an e-mail channel.
func (a *account) addCustomer(email, name string) *gorgias.Customer {
	id := a.newID()
	first, last, _ := strings.Cut(name, " ")
	c := &gorgias.Customer{
		ID: id, URI: fmt.Sprintf("/api/customers/%d/", id),
		Email: email, Name: name, Firstname: first, Lastname: last,
		Channels:        []gorgias.CustomerChannel{},
		Meta:            gorgias.Object{"name_set_via": "email"},
		Integrations:    gorgias.IntegrationData{},
		Data:            []byte("null"),
		CreatedDatetime: now(), UpdatedDatetime: now(),
	}
	if email != "" {
		c.Channels = append(c.Channels, gorgias.CustomerChannel{ID: a.newID(), Type: "email", Address: email, Preferred: true})
	}
	a.customers[id] = c
	a.event("customer-created", "Customer", id, 0, map[string]any{"email": email})
	return c
}

// findOrAddCustomer finds a customer by e-mail or creates one.
func (a *account) findOrAddCustomer(email, name string) *gorgias.Customer {
	if c := a.customerByEmail(email); c != nil {
		return c
	}
	if name == "" {
		name, _, _ = strings.Cut(email, "@")
	}
	return a.addCustomer(email, name)
}

// addTag creates a tag.
func (a *account) addTag(name, description string, decoration gorgias.Object) *gorgias.Tag {
	id := a.newID()
	if decoration == nil {
		decoration = gorgias.Object{"color": "#2980B9"}
	}
	t := &gorgias.Tag{
		ID: id, URI: fmt.Sprintf("/api/tags/%d/", id), Name: name, Description: description,
		Decoration: decoration, CreatedDatetime: now(),
	}
	a.tags[id] = t
	a.event("tag-created", "Tag", id, 0, map[string]any{"name": name})
	return t
}

// customerOut copies a customer, its integration data included.
func (a *account) customerOut(id int64) *gorgias.Customer {
	c, ok := a.customers[id]
	if !ok {
		return nil
	}
	out := *c
	out.Integrations = maps.Clone(c.Integrations)
	out.Channels = slices.Clone(c.Channels)
	return &out
}

// compactUser is a user as a ticket's assignee_user shows it.
func compactUser(u *gorgias.User) *gorgias.User {
	return &gorgias.User{
		ID: u.ID, Active: u.Active, Email: u.Email, Name: u.Name, Firstname: u.Firstname,
		Lastname: u.Lastname, Bio: u.Bio, Meta: u.Meta,
	}
}

func person(id int64, email, name, first, last string) *gorgias.Person {
	return &gorgias.Person{ID: id, Email: email, Name: name, Firstname: first, Lastname: last, Meta: gorgias.Object{}}
}

func userPerson(u *gorgias.User) *gorgias.Person {
	return person(u.ID, u.Email, u.Name, u.Firstname, u.Lastname)
}

func customerPerson(c *gorgias.Customer) *gorgias.Person {
	return person(c.ID, c.Email, c.Name, c.Firstname, c.Lastname)
}

// ticketMessages copies a ticket's messages, oldest first.
func (a *account) ticketMessages(t *ticket) []gorgias.Message {
	out := []gorgias.Message{}
	for _, id := range t.messageIDs {
		if m, ok := a.messages[id]; ok {
			out = append(out, *m)
		}
	}
	return out
}

// ticketOut writes a ticket as the API shows it: with its messages for a
// single-ticket read, with an excerpt and a count in lists.
func (a *account) ticketOut(t *ticket, withMessages bool) gorgias.Ticket {
	out := t.t
	out.URI = fmt.Sprintf("/api/tickets/%d/", t.t.ID)
	out.Customer = a.customerOut(t.customerID)
	out.AssigneeUser, out.AssigneeUserID = nil, nil
	if u, ok := a.users[t.assigneeUserID]; ok {
		out.AssigneeUser = compactUser(u)
		id := u.ID
		out.AssigneeUserID = &id
	}
	out.AssigneeTeam, out.AssigneeTeamID = nil, nil
	if tm, ok := a.teams[t.assigneeTeamID]; ok {
		out.AssigneeTeam = &gorgias.Team{ID: tm.ID, Name: tm.Name, Decoration: tm.Decoration}
		id := tm.ID
		out.AssigneeTeamID = &id
	}
	out.Tags = []gorgias.Tag{}
	for _, id := range t.tagIDs {
		if tag, ok := a.tags[id]; ok {
			out.Tags = append(out.Tags, gorgias.Tag{ID: tag.ID, Name: tag.Name, Decoration: tag.Decoration})
		}
	}
	out.ReplyOptions = map[string]gorgias.ReplyOption{
		t.t.Channel: {Answerable: true}, gorgias.ChannelInternalNote: {Answerable: true},
	}
	msgs := a.ticketMessages(t)
	if withMessages {
		out.Messages = msgs
	} else if len(msgs) > 0 {
		out.MessagesCount = len(msgs)
		out.Excerpt = excerpt(msgs[len(msgs)-1].BodyText)
	}
	return out
}

// contextOut writes a ticket as an HTTP integration's context holds it:
// account domain, requester, first and last message, messages oldest
// first.
func (a *account) contextOut(t *ticket) gorgias.Ticket {
	out := a.ticketOut(t, true)
	out.Account = &gorgias.TicketAccount{Domain: a.domain}
	if out.Customer != nil {
		req := *out.Customer
		out.Requester = &req
	}
	if n := len(out.Messages); n > 0 {
		first, last := out.Messages[0], out.Messages[n-1]
		out.FirstMessage, out.LastMessage = &first, &last
	}
	return out
}

func excerpt(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 100 {
		return string(r[:100])
	}
	return s
}
