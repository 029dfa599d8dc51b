package gorgiastest

import (
	"net/http"
	"slices"
	"strings"

	"github.com/deskmate/deskmate/gorgias"
)

func getAccount(c *call) {
	a := c.a
	c.json(http.StatusOK, gorgias.Account{
		Domain: a.domain, Status: &gorgias.AccountStatus{Status: "active"},
		Settings: []byte("[]"), CreatedDatetime: gorgias.NewTime(a.created),
	})
}

func listUsers(c *call) {
	q := c.r.URL.Query()
	var out []gorgias.User
	for _, id := range ordered(sortedIDs(c.a.users), descending(c)) {
		u := c.a.users[id]
		if email := q.Get("email"); email != "" && !strings.EqualFold(email, u.Email) {
			continue
		}
		out = append(out, *u)
	}
	page(c, out, 30)
}

func getUser(c *call) {
	if u, ok := byID(c, c.a.users); ok {
		c.json(http.StatusOK, u)
	}
}

// humanRoles are the roles a user can be created with through the API.
var humanRoles = []string{gorgias.RoleAdmin, gorgias.RoleAgent, gorgias.RoleBasicAgent, gorgias.RoleLiteAgent, gorgias.RoleObserverAgent}

func postUser(c *call) {
	var in gorgias.UserInput
	if !c.decode(&in) {
		return
	}
	switch {
	case !strings.Contains(in.Email, "@"):
		c.invalid("email", "Not a valid email address.")
		return
	case !slices.Contains(humanRoles, in.Role.Name):
		c.invalid("role", "Must be one of: "+strings.Join(humanRoles, ", ")+".")
		return
	case c.a.userByEmail(in.Email) != nil:
		c.fail(http.StatusConflict, "A user with this email already exists.", nil)
		return
	}
	name := in.Name
	if name == "" {
		name = strings.TrimSpace(in.Firstname + " " + in.Lastname)
	}
	u := c.a.addUser(in.Email, name, in.Role.Name)
	c.a.event("user-created", "User", u.ID, c.userID, map[string]any{"email": u.Email})
	c.json(http.StatusCreated, u)
}

func listTeams(c *call) {
	var out []gorgias.Team
	for _, id := range ordered(sortedIDs(c.a.teams), descending(c)) {
		out = append(out, *c.a.teams[id])
	}
	page(c, out, 30)
}

func getTeam(c *call) {
	if t, ok := byID(c, c.a.teams); ok {
		c.json(http.StatusOK, t)
	}
}
