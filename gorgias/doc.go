// Package gorgias is Deskmate's client for the Gorgias helpdesk REST API,
// with the payload types of its webhooks (HTTP integrations) and sidebar
// widgets. It knows nothing of Deskmate's database or HTTP server: the
// caller hands it an *http.Client, credentials and, for OAuth, a
// TokenSource. Package gorgiastest beside it is an in-memory Gorgias for
// tests and the offline sandbox.
//
// # Calls
//
// New builds a Client for one account from its base URL
// ("https://acme.gorgias.com") and BasicAuth (private app: agent e-mail and
// REST API key) or Bearer (public app: OAuth2 access token). Lists are
// cursor-paginated (limit ≤ 100, meta.next_cursor); the methods named after
// a resource collect every page, Tickets returns one page and EachTicket
// iterates. Updates are partial PUTs: TicketUpdate's Optional fields are
// sent only when set, and Null clears (AssigneeUser: Null[Ref]() unassigns).
// Error answers are *APIError, matched with errors.Is against ErrNotFound,
// ErrUnauthorized, ErrForbidden, ErrConflict, ErrRateLimited, ErrServer and
// ErrInvalid; no error text holds credentials.
//
// # Rate limits and retries
//
// Gorgias limits each account with a leaky bucket: 40 calls per 20 s with
// an API key, 80 per 20 s with OAuth. A Limiter is that budget on Deskmate's
// side; Limiters hands out one per account and auth kind so every client of
// an account shares it. The limiter follows X-Gorgias-Account-Api-Call-Limit
// (used/limit: it never assumes more room than the account has left) and a
// 429's Retry-After (every caller of the account waits it out).
//
// Client.Do documents the retry rule: GET, PUT and DELETE are retried after
// a 429, a 5xx, a timeout or a dropped connection, with exponential backoff
// and jitter, at most Options.Attempts times and never past the context's
// deadline. A POST is retried after a 429 or a refused connection (Gorgias
// never saw it), and after other failures only when it is known to be safe:
// Request.RetrySafe, AddTicketTags (adding to a set), and CreateMessage and
// CreateTicket with an external_id, which first look for that external_id
// and send again only when nothing was created. Gorgias has no idempotency
// key, so a POST without one is never sent twice.
//
// # Webhooks, widgets and templates
//
// An HTTP integration with "form": "{{context}}" posts a WebhookContext;
// ParseWebhook reads it tolerantly. SidebarTemplate builds Deskmate's
// sidebar card (SidebarData fields, and Draft reply / Instructions /
// Translate / Summarize buttons posting a ButtonRequest). Render fills
// Gorgias templates ({{context}}, {{ticket.messages[-1].body_text}}) the way
// Gorgias does; the emulator and tests use it.
//
// # OAuth
//
// OAuthConfig runs the authorization-code flow on the account's subdomain:
// AuthorizeURL, Exchange, Refresh (keeping the old refresh token when none
// comes back) and Revoke. Token.ExpiresAt comes from the access token's
// exp claim (the JWT payload is read, not verified), else from expires_in;
// Token.UserID is its sub. A refresh refused with invalid_grant
// (ErrInvalidGrant) means the app was uninstalled.
//
// # Open questions and the behaviour chosen
//
// The public documentation leaves these open; each choice is the tolerant
// or safe one and is easy to change.
//
//  1. expires_in and refresh-token rotation: ExpiresAt trusts the JWT exp
//     claim first; a refresh answer without refresh_token keeps the old one,
//     one with a new token replaces it.
//  2. The full list of OAuth scopes (widgets, events, tags): the caller
//     chooses the scopes; nothing here assumes one. The emulator maps
//     widgets to integrations:* and tags and views to tickets:*.
//  3. What uninstalling does: no uninstall callback is assumed; invalid_grant
//     on refresh (or 401 on calls) is the signal, and Deskmate deletes what
//     it created itself rather than counting on Gorgias to.
//  4. HTTP-integration delivery guarantees: deliveries are treated as
//     at-least-once and unordered, with no signature; WebhookContext carries
//     no trigger or delivery id, so receivers dedupe on message.id,
//     (ticket.id, updated_datetime) or ticket.id and re-read the ticket.
//  5. Whether Deskmate's own API writes fire ticket-updated: assumed yes;
//     receivers must ignore their own changes (external_id prefix, sender,
//     via "api").
//  6. The exact meta.custom.buttons schema: SidebarTemplate writes the shape
//     of the Gorgias web app (headers/params/form as {key, value, label,
//     type, editable, mandatory}, dropdown choices under "options");
//     ActionParam also reads "values". Editable parameters go in the query
//     string, since a button's JSON body holds plain values only. The button
//     response is not shown to the agent: results come back as notes.
//  7. /api/actions/execute/ is internal to the Gorgias app: the client does
//     not call it; only the emulator serves it.
//  8. The priority enum: a plain string; the emulator accepts low, normal,
//     high and critical.
//  9. Whether via is still required on new messages: CreateMessage and
//     CreateTicket always send via, "api" by default.
//  10. A "me" endpoint: none is used; the acting user is Token.UserID (OAuth)
//     or the user found by e-mail (API key).
//  11. Event date filters and the tag-merge body: not used; Events takes
//     types, object type and id only.
//  12. Whether adding an unknown tag name creates it: assumed yes (the
//     emulator does); Deskmate may still create its tags up front.
//  13. Whether the rate limit is per app or per account: per account and
//     auth kind, the stricter reading, hence one shared Limiter.
//
// Also tolerated: datetimes with or without an offset (Time), null for any
// string, meta or integration data that is not an object (read as nil), a
// list answered as a bare array, and a cursor that repeats (collection
// stops).
package gorgias
