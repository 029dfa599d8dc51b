package web

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRobotsRules(t *testing.T) {
	r := parseRobots(`# comment
User-agent: Googlebot
Disallow: /

User-agent: *
Disallow: /private
Allow: /private/faq
Disallow: /*.pdf$
Disallow: /search?
Crawl-delay: 2

Sitemap: https://example.test/sitemap.xml
`)
	for path, want := range map[string]bool{
		"/":                     true,
		"/help":                 true,
		"/private":              false,
		"/private/notes":        false,
		"/private/faq":          true,
		"/private/faq/returns":  true,
		"/files/manual.pdf":     false,
		"/files/manual.pdf?x=1": true,
		"/search?q=refund":      false,
		"/search":               true,
		"/robots.txt":           true,
	} {
		require.Equal(t, want, r.allowed(path), path)
	}
	require.EqualValues(t, 2e9, r.crawlDelay)

	// A group for Deskmate wins over *, and Allow wins a tie.
	r = parseRobots("User-agent: *\nDisallow: /\n\nUser-agent: other\nUser-agent: Deskmate\nDisallow: /admin\nAllow: /admin\nDisallow: /tmp/\n")
	require.True(t, r.allowed("/help"))
	require.True(t, r.allowed("/admin"))
	require.False(t, r.allowed("/tmp/x"))

	// An empty Disallow allows everything; no file allows everything.
	require.True(t, parseRobots("User-agent: *\nDisallow:\n").allowed("/anything"))
	require.True(t, allowAll.allowed("/x"))
	require.False(t, (&robots{disallowAll: true}).allowed("/x"))
	require.True(t, robotsMatch("/a*b$", "/a-x-b"))
	require.False(t, robotsMatch("/a*b$", "/a-x-bc"))
	require.True(t, robotsMatch("/*", "/anything"))
}
