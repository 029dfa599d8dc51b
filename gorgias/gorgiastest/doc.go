// Package gorgiastest is an in-memory Gorgias for Deskmate's tests and its
// offline sandbox. It speaks the real wire format of the REST API subset
// Deskmate uses, using package gorgias' types, so a gorgias.Client talks to
// it unchanged:
//
//	emu := gorgiastest.New(gorgiastest.Options{})
//	if err := emu.Start(); err != nil { … }
//	defer emu.Close()
//	acme, _ := emu.Account("acme")
//	c, _ := acme.Client() // or gorgias.New with acme.BaseURL and its API key
//
// Accounts live under path prefixes: /acme/api/… and
// /acme/oauth/{authorize,token,revoke}. Basic auth takes the account's admin
// e-mail and API key; OAuth auto-approves as the admin and issues signed,
// JWT-shaped access tokens (sub, scope, exp, iss), refreshes them (without
// rotating the refresh token) and revokes refresh tokens.
//
// Resources: account, users (an admin, optionally a bot), teams, customers
// (with integration data: Shopify orders, HTTP-integration answers),
// tickets, messages (replies and internal notes; outgoing ones get their
// sent_datetime after Options.SendDelay; a customer message reopens a
// closed ticket), tags (created when added by name), integrations (http,
// plus one e-mail integration per account), widgets, views (a tag filter is
// applied) and events (appended on every change). Lists are cursor
// paginated (limit default 30, at most 100; ascending ids unless order_by
// ends in :desc); PUT is partial with explicit null; creates answer 201,
// ticket-tag replacement 202, deletes 204; errors use Gorgias' body and 404
// says "Resource not found.". Empty strings stand for null in answers.
//
// HTTP integrations fire on ticket-created, ticket-updated and
// ticket-message-created (hyphen or underscore keys), for the emulator's own
// API writes too. A new ticket fires ticket-created and then
// ticket-message-created for each of its messages; tag changes fire
// ticket-updated only when the tags change. URL, headers and form are
// rendered with gorgias.Render against the context ({{context}} is
// {"ticket": …, "message": …}), sent one at a time in order from a
// background goroutine, retried after a 5xx, 429, timeout or connection
// error (DeliveryOptions), and a JSON object answer is stored as
// customer.integrations[<integration id>]. 100 failed requests in a row
// deactivate the integration. Chaos switches duplicate, reorder or delay
// deliveries; Flush waits for background work.
//
// Widget buttons run through POST /{account}/api/actions/execute/ (the
// Gorgias app's internal endpoint, answering an ActionResult) or
// ClickButton, which fills the templates as the app would.
//
// Rate limits (Options.RateLimit) follow Gorgias' leaky bucket per account
// and auth kind; X-Gorgias-Account-Api-Call-Limit is always sent. Faults
// (InjectFault) answer 5xx or hang; Requests and Deliveries log what
// happened.
//
// The human side — a customer writing in, an agent replying, tagging,
// assigning, closing, clicking a button — is available as methods
// (WriteAsCustomer, ReplyAsAgent, …) and as HTTP endpoints under
// /_emulator/ (see sandboxRoutes), which need no credentials: the emulator
// listens only where it is told (127.0.0.1 by default) and is not meant to
// be exposed. It calls whatever URLs integrations and buttons name.
package gorgiastest
