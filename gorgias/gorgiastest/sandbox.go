package gorgiastest

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/deskmate/deskmate/gorgias"
)

// sandboxRoutes are the human and customer simulation endpoints, under
// /_emulator/, apart from the Gorgias API. They need no credentials: the
// emulator is a local tool. Errors use Gorgias' error body.
//
//	GET  /_emulator/accounts                            accounts and their base paths
//	POST /_emulator/reset                               back to the initial data
//	GET  /_emulator/{account}/tickets                   tickets, newest first, with messages
//	GET  /_emulator/{account}/users                     agents (to act as one)
//	GET  /_emulator/{account}/widgets                   sidebar widgets
//	GET  /_emulator/{account}/deliveries                HTTP-integration delivery attempts
//	POST /_emulator/{account}/customer-messages         CustomerMessage → the ticket
//	POST /_emulator/{account}/tickets/{id}/replies      {"user_id","body","internal"} → the message
//	POST /_emulator/{account}/tickets/{id}/tags         {"add": [names], "remove": [names]}
//	PUT  /_emulator/{account}/tickets/{id}/assignee     {"user_id": 5} or {"user_id": null}
//	POST /_emulator/{account}/tickets/{id}/close
//	POST /_emulator/{account}/tickets/{id}/clicks       {"widget_id","label","user_id","params"} → ActionResult
func (e *Emulator) sandboxRoutes() http.Handler {
	m := http.NewServeMux()
	m.HandleFunc("GET /_emulator/accounts", e.sandboxAccounts)
	m.HandleFunc("POST /_emulator/reset", func(w http.ResponseWriter, r *http.Request) {
		e.Reset()
		w.WriteHeader(http.StatusNoContent)
	})
	m.HandleFunc("GET /_emulator/{account}/tickets", func(w http.ResponseWriter, r *http.Request) {
		reply(w)(e.Tickets(r.PathValue("account")))
	})
	m.HandleFunc("GET /_emulator/{account}/users", e.sandboxList(func(a *account) any {
		var out []gorgias.User
		for _, id := range sortedIDs(a.users) {
			out = append(out, *a.users[id])
		}
		return out
	}))
	m.HandleFunc("GET /_emulator/{account}/widgets", e.sandboxList(func(a *account) any {
		var out []gorgias.Widget
		for _, id := range sortedIDs(a.widgets) {
			out = append(out, *a.widgets[id])
		}
		return out
	}))
	m.HandleFunc("GET /_emulator/{account}/deliveries", func(w http.ResponseWriter, r *http.Request) {
		out := []DeliveryRecord{}
		for _, d := range e.Deliveries() {
			if d.Account == r.PathValue("account") {
				out = append(out, d)
			}
		}
		writeJSON(w, http.StatusOK, out)
	})
	m.HandleFunc("POST /_emulator/{account}/customer-messages", func(w http.ResponseWriter, r *http.Request) {
		var in CustomerMessage
		if decodeSandbox(w, r, &in) {
			reply(w)(e.WriteAsCustomer(r.PathValue("account"), in))
		}
	})
	m.HandleFunc("POST /_emulator/{account}/tickets/{id}/replies", func(w http.ResponseWriter, r *http.Request) {
		var in AgentReply
		if id, ok := ticketID(w, r); ok && decodeSandbox(w, r, &in) {
			in.TicketID = id
			reply(w)(e.ReplyAsAgent(r.PathValue("account"), in))
		}
	})
	m.HandleFunc("POST /_emulator/{account}/tickets/{id}/tags", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Add    []string `json:"add"`
			Remove []string `json:"remove"`
		}
		if id, ok := ticketID(w, r); ok && decodeSandbox(w, r, &in) {
			done(w, e.TagAsAgent(r.PathValue("account"), id, in.Add, in.Remove))
		}
	})
	m.HandleFunc("PUT /_emulator/{account}/tickets/{id}/assignee", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			UserID *int64 `json:"user_id"`
		}
		if id, ok := ticketID(w, r); ok && decodeSandbox(w, r, &in) {
			var user int64
			if in.UserID != nil {
				user = *in.UserID
			}
			done(w, e.AssignAsAgent(r.PathValue("account"), id, user))
		}
	})
	m.HandleFunc("POST /_emulator/{account}/tickets/{id}/close", func(w http.ResponseWriter, r *http.Request) {
		if id, ok := ticketID(w, r); ok {
			done(w, e.CloseAsAgent(r.PathValue("account"), id))
		}
	})
	m.HandleFunc("POST /_emulator/{account}/tickets/{id}/clicks", func(w http.ResponseWriter, r *http.Request) {
		var in ButtonClick
		if id, ok := ticketID(w, r); ok && decodeSandbox(w, r, &in) {
			in.Account, in.TicketID = r.PathValue("account"), id
			reply(w)(e.ClickButton(r.Context(), in))
		}
	})
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		sandboxFail(w, http.StatusNotFound, "Resource not found.")
	})
	return m
}

func (e *Emulator) sandboxAccounts(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	type entry struct {
		Domain   string `json:"domain"`
		BasePath string `json:"base_path"`
		Email    string `json:"email"`
	}
	out := []entry{}
	for _, o := range e.opts.Accounts {
		out = append(out, entry{Domain: o.Domain, BasePath: "/" + o.Domain, Email: o.Email})
	}
	writeJSON(w, http.StatusOK, out)
}

// sandboxList answers with a list read from the account under e.mu.
func (e *Emulator) sandboxList(list func(a *account) any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		defer e.mu.Unlock()
		a := e.accounts[r.PathValue("account")]
		if a == nil {
			sandboxFail(w, http.StatusNotFound, "Resource not found.")
			return
		}
		writeJSON(w, http.StatusOK, list(a))
	}
}

func sandboxFail(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, gorgias.ErrorBody{Error: gorgias.ErrorDetail{Msg: msg}})
}

// reply writes a value or the error of a simulation call.
func reply(w http.ResponseWriter) func(any, error) {
	return func(v any, err error) {
		if err != nil {
			sandboxFail(w, http.StatusBadRequest, err.Error())
			return
		}
		writeJSON(w, http.StatusOK, v)
	}
}

func done(w http.ResponseWriter, err error) {
	if err != nil {
		sandboxFail(w, http.StatusBadRequest, err.Error())
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func ticketID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		sandboxFail(w, http.StatusNotFound, "Resource not found.")
		return 0, false
	}
	return id, true
}

func decodeSandbox(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(v); err != nil {
		sandboxFail(w, http.StatusBadRequest, "Invalid JSON: "+err.Error())
		return false
	}
	return true
}
