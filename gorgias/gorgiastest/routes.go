package gorgiastest

import "net/http"

// apiRoutes is the REST API of one account; paths are relative to the
// account prefix and carry no trailing slash.
func (e *Emulator) apiRoutes() http.Handler {
	m := http.NewServeMux()
	h := func(pattern string, fn func(*call)) { m.HandleFunc(pattern, e.locked(fn)) }

	h("GET /api/account", getAccount)

	h("GET /api/users", listUsers)
	h("POST /api/users", postUser)
	h("GET /api/users/{id}", getUser)
	h("GET /api/teams", listTeams)
	h("GET /api/teams/{id}", getTeam)

	h("GET /api/customers", listCustomers)
	h("POST /api/customers", postCustomer)
	h("GET /api/customers/{id}", getCustomer)
	h("PUT /api/customers/{id}/data", putCustomerData)

	h("GET /api/tickets", listTickets)
	h("POST /api/tickets", e.postTicket)
	h("GET /api/tickets/{id}", getTicket)
	h("PUT /api/tickets/{id}", e.putTicket)
	h("DELETE /api/tickets/{id}", deleteTicket)

	h("GET /api/tickets/{id}/tags", listTicketTags)
	h("POST /api/tickets/{id}/tags", e.postTicketTags)
	h("PUT /api/tickets/{id}/tags", e.putTicketTags)
	h("DELETE /api/tickets/{id}/tags", e.deleteTicketTags)

	h("GET /api/messages", listMessages)
	h("GET /api/tickets/{id}/messages", listTicketMessages)
	h("POST /api/tickets/{id}/messages", e.postMessage)
	h("GET /api/tickets/{id}/messages/{message_id}", getMessage)

	h("GET /api/tags", listTags)
	h("POST /api/tags", postTag)
	h("GET /api/tags/{id}", getTag)
	h("DELETE /api/tags/{id}", deleteTag)

	h("GET /api/integrations", listIntegrations)
	h("POST /api/integrations", postIntegration)
	h("GET /api/integrations/{id}", getIntegration)
	h("PUT /api/integrations/{id}", putIntegration)
	h("DELETE /api/integrations/{id}", deleteIntegration)

	h("GET /api/widgets", listWidgets)
	h("POST /api/widgets", postWidget)
	h("GET /api/widgets/{id}", getWidget)
	h("PUT /api/widgets/{id}", putWidget)
	h("DELETE /api/widgets/{id}", deleteWidget)

	h("GET /api/views", listViews)
	h("POST /api/views", postView)
	h("GET /api/views/{id}", getView)
	h("DELETE /api/views/{id}", deleteView)

	h("GET /api/events", listEvents)
	h("GET /api/events/{id}", getEvent)

	// Button actions call out, so they run without holding the lock.
	m.HandleFunc("POST /api/actions/execute", e.executeAction)

	h("/", func(c *call) { c.notFound() })
	return m
}
