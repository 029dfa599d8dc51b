package automation

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Variables are the placeholders a response template may use, with the text
// used when the value is unknown.
var Variables = map[string]string{
	"customer.first_name": "there",
	"order.number":        "",
	"ticket.id":           "",
}

var variableRe = regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}`)

// CheckTemplate returns a message naming the first problem of a template, or "".
func CheckTemplate(tpl string) string {
	for _, m := range variableRe.FindAllStringSubmatch(tpl, -1) {
		if _, ok := Variables[m[1]]; !ok {
			return fmt.Sprintf("unknown variable {{%s}}: use %s", m[1], knownVariables())
		}
	}
	if strings.Contains(variableRe.ReplaceAllString(tpl, ""), "{{") {
		return "has a {{ without a matching }}"
	}
	return ""
}

func knownVariables() string {
	names := make([]string, 0, len(Variables))
	for n := range Variables {
		names = append(names, "{{"+n+"}}")
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// Render fills a response template with vars (keyed like "customer.first_name");
// a missing or blank value becomes the variable's fallback, e.g. "there".
func Render(tpl string, vars map[string]string) string {
	return variableRe.ReplaceAllStringFunc(tpl, func(s string) string {
		name := variableRe.FindStringSubmatch(s)[1]
		if v := strings.TrimSpace(vars[name]); v != "" {
			return v
		}
		if fb, ok := Variables[name]; ok {
			return fb
		}
		return s
	})
}
