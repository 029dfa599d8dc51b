package web

import (
	"strconv"
	"strings"
	"time"

	"github.com/deskmate/deskmate/knowledge/parser"
)

// robotsToken is the product token Deskmate looks for in robots.txt.
const robotsToken = "deskmate"

// robots holds the rules of a robots.txt (RFC 9309) that apply to Deskmate:
// those of the groups naming Deskmate, else those of the * groups.
type robots struct {
	rules       []robotsRule
	disallowAll bool
	crawlDelay  time.Duration
}

type robotsRule struct {
	allow   bool
	pattern string
}

// allowAll is what applies when a site has no robots.txt.
var allowAll = &robots{}

// parseRobots reads a robots.txt. A group starts with one or more
// User-agent lines; Allow and Disallow rules follow. Unknown lines and
// comments are ignored.
func parseRobots(body string) *robots {
	type group struct {
		agents []string
		rules  []robotsRule
		delay  time.Duration
	}
	var groups []*group
	var cur *group
	lastWasAgent := false
	for _, line := range strings.Split(parser.NormalizeNewlines(body), "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		key = strings.ToLower(strings.TrimSpace(key))
		value = strings.TrimSpace(value)
		switch key {
		case "user-agent":
			if cur == nil || !lastWasAgent {
				cur = &group{}
				groups = append(groups, cur)
			}
			cur.agents = append(cur.agents, strings.ToLower(value))
			lastWasAgent = true
			continue
		case "allow", "disallow":
			if cur != nil && value != "" {
				cur.rules = append(cur.rules, robotsRule{allow: key == "allow", pattern: value})
			}
		case "crawl-delay":
			if cur != nil {
				if f, err := strconv.ParseFloat(value, 64); err == nil && f > 0 {
					cur.delay = time.Duration(f * float64(time.Second))
				}
			}
		}
		lastWasAgent = false
	}
	r := &robots{}
	matched := false
	for _, want := range []func(string) bool{
		func(a string) bool { return a == robotsToken || strings.HasPrefix(a, robotsToken+"/") },
		func(a string) bool { return a == "*" },
	} {
		for _, g := range groups {
			for _, a := range g.agents {
				if want(a) {
					r.rules = append(r.rules, g.rules...)
					r.crawlDelay = max(r.crawlDelay, g.delay)
					matched = true
					break
				}
			}
		}
		if matched {
			break
		}
	}
	return r
}

// allowed reports whether Deskmate may fetch a URL path (with its query):
// the longest matching rule decides, Allow winning a tie; no matching rule
// allows.
func (r *robots) allowed(pathQuery string) bool {
	if r.disallowAll {
		return false
	}
	if pathQuery == "" {
		pathQuery = "/"
	}
	if pathQuery == "/robots.txt" {
		return true
	}
	best, allow := -1, true
	for _, rule := range r.rules {
		if !robotsMatch(rule.pattern, pathQuery) {
			continue
		}
		n := len(rule.pattern)
		if n > best || (n == best && rule.allow) {
			best, allow = n, rule.allow
		}
	}
	return allow
}

// robotsMatch matches a robots.txt path pattern: * matches any characters,
// a final $ anchors at the end, otherwise the pattern is a prefix.
func robotsMatch(pattern, path string) bool {
	anchored := strings.HasSuffix(pattern, "$")
	if anchored {
		pattern = pattern[:len(pattern)-1]
	}
	parts := strings.Split(pattern, "*")
	if !strings.HasPrefix(path, parts[0]) {
		return false
	}
	pos := len(parts[0])
	for i, part := range parts[1:] {
		if part == "" {
			if i == len(parts)-2 {
				return true // trailing *: anything goes
			}
			continue
		}
		last := i == len(parts)-2
		if last && anchored {
			return strings.HasSuffix(path[pos:], part)
		}
		j := strings.Index(path[pos:], part)
		if j < 0 {
			return false
		}
		pos += j + len(part)
	}
	return !anchored || pos == len(path)
}
