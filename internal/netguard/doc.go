// Package netguard keeps Deskmate's outbound HTTP requests away from
// internal destinations (SSRF protection).
//
// Deskmate fetches URLs supplied by admins: knowledge URL ingestion, site
// crawls and webhooks. Without a guard such a URL could point at the
// loopback interface, the private network Deskmate runs in, or a cloud
// metadata service that hands out credentials. The Guard refuses:
//
//   - any scheme other than http and https, URLs carrying a user name or
//     password, port 0, empty hosts and URLs longer than 2048 characters;
//   - loopback, private, link-local, carrier-grade NAT, multicast,
//     unspecified, documentation, benchmarking and otherwise reserved
//     addresses, IPv4 and IPv6, including IPv4 addresses embedded in IPv6
//     (IPv4-mapped, IPv4-compatible, NAT64 and 6to4), Teredo and IPv6
//     zone identifiers;
//   - cloud metadata endpoints (169.254.169.254, fd00:ec2::254,
//     100.100.100.200, 192.0.0.192, metadata.google.internal, ...);
//   - the unusual IPv4 spellings that inet_aton and browsers accept
//     (2130706433, 0177.0.0.1, 0x7f.1, 127.1, 127.0.0.1.): blocked when
//     they denote a blocked address and refused as ambiguous otherwise, so
//     they never reach DNS;
//   - host names for which any resolved address is blocked, such as
//     localhost, *.localhost or names in /etc/hosts.
//
// CheckURL validates a URL up front and gives the admin a clear message.
// That check alone cannot stop DNS rebinding, so the real enforcement
// happens at connection time: DialContext resolves the host, checks every
// address and connects only to an address it has checked, and the
// *http.Client returned by Client uses it for every request and every
// redirect (at most five, never from https to http).
//
// Self-hosted installations can reach internal services on purpose, e.g. an
// intranet wiki or a local Ollama, by listing them in an allow list. Deskmate
// runs two guards with separate lists: DESKMATE_URL_ALLOWLIST for web
// sources (knowledge URLs, sitemaps, crawls) and DESKMATE_MODEL_ALLOWLIST
// for model providers, so that allowing a local Ollama does not let web
// sources read other local services (WithAllowListName names the list in
// refusals). CIDR entries permit those addresses whatever the host name and
// port; host name entries permit that exact name whatever it resolves to; an
// address or name with a port (127.0.0.1:11434, [::1]:11434, ollama:11434)
// permits that port only, the port a URL names or its scheme's default (80,
// 443), checked again on the dialed port of every connection and redirect.
// Cloud metadata addresses stay blocked for allow-listed host names; only a
// CIDR or address entry covering them lets them through.
//
// CheckURL checks the canonical form of a URL (u.String() of the parsed URL,
// parsed again) and returns it: callers store and fetch that form, never
// the raw input, so that what was checked is what is used.
//
// Every refusal made by the guard matches errors.Is(err, ErrBlocked) and is
// a *BlockedError; DNS failures and network errors do not match.
package netguard
