package gorgiastest

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/deskmate/deskmate/gorgias"
)

func listCustomers(c *call) {
	q := c.r.URL.Query()
	var out []gorgias.Customer
	for _, id := range ordered(sortedIDs(c.a.customers), descending(c)) {
		cu := c.a.customers[id]
		if email := q.Get("email"); email != "" && !strings.EqualFold(email, cu.Email) {
			continue
		}
		if ext := q.Get("external_id"); ext != "" && ext != cu.ExternalID {
			continue
		}
		out = append(out, *c.a.customerOut(id))
	}
	page(c, out, 30)
}

func getCustomer(c *call) {
	id, ok := c.id("id")
	if !ok {
		return
	}
	cu := c.a.customerOut(id)
	if cu == nil {
		c.notFound()
		return
	}
	c.json(http.StatusOK, cu)
}

func postCustomer(c *call) {
	var in struct {
		Email      string          `json:"email"`
		Name       string          `json:"name"`
		ExternalID string          `json:"external_id"`
		Note       string          `json:"note"`
		Data       json.RawMessage `json:"data"`
	}
	if !c.decode(&in) {
		return
	}
	if in.Email != "" && c.a.customerByEmail(in.Email) != nil {
		c.fail(http.StatusConflict, "A customer with this email already exists.", nil)
		return
	}
	cu := c.a.addCustomer(in.Email, in.Name)
	cu.ExternalID, cu.Note = in.ExternalID, in.Note
	if len(in.Data) > 0 {
		cu.Data = in.Data
	}
	c.json(http.StatusCreated, c.a.customerOut(cu.ID))
}

// putCustomerData replaces the customer's data (→ 202).
func putCustomerData(c *call) {
	cu, ok := byID(c, c.a.customers)
	if !ok {
		return
	}
	var in struct {
		Data json.RawMessage `json:"data"`
	}
	if !c.decode(&in) {
		return
	}
	if len(in.Data) == 0 {
		c.invalid("data", missing)
		return
	}
	cu.Data = in.Data
	cu.UpdatedDatetime = now()
	c.a.event("customer-updated", "Customer", cu.ID, c.userID, map[string]any{"data": in.Data})
	c.json(http.StatusAccepted, c.a.customerOut(cu.ID))
}
