// Package web fetches knowledge sources from the web: single pages and
// documents, sitemaps and polite same-host crawls that obey robots.txt. Every
// request and redirect goes through the URL guard (internal/netguard), bodies
// are size-limited and content types checked. It knows nothing of the
// database; the knowledge package stores what it finds.
package web
