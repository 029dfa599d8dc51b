package gorgias

import (
	"bytes"
	"cmp"
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// templateVar matches {{ expression }}.
var templateVar = regexp.MustCompile(`\{\{\s*(.*?)\s*\}\}`)

// Render fills a Gorgias template the way Gorgias renders HTTP
// integrations: {{context}} is the whole data as JSON, {{ticket.id}} and
// other dotted paths reach into it, with [0] for the first item of a list,
// [-1] for the last, and ['key'] for awkward keys. Under "integrations",
// a key that is an integration type ("shopify") finds the entry of that
// type. Strings render as they are, numbers and booleans as JSON, objects
// and lists as JSON, and a missing value or null as "". Filters after "|"
// (datetime_format) are ignored: the value renders unformatted.
//
// data is a map from JSON (numbers as json.Number or float64) or any value
// that encodes to a JSON object.
func Render(tmpl string, data any) string {
	return render(tmpl, data, false)
}

// RenderKnown is Render for custom button and link templates, which the
// Gorgias app fills in the agent's browser: a variable it cannot resolve is
// left as written.
func RenderKnown(tmpl string, data any) string {
	return render(tmpl, data, true)
}

func render(tmpl string, data any, keepMissing bool) string {
	if !strings.Contains(tmpl, "{{") {
		return tmpl
	}
	tree := TemplateData(data)
	return templateVar.ReplaceAllStringFunc(tmpl, func(m string) string {
		expr := templateVar.FindStringSubmatch(m)[1]
		if i := strings.Index(expr, "|"); i >= 0 {
			expr = strings.TrimSpace(expr[:i])
		}
		v, ok := lookup(tree, expr)
		if !ok {
			if keepMissing {
				return m
			}
			return ""
		}
		return formatValue(v)
	})
}

// TemplateData turns v into the map templates read: a map[string]any is
// used as it is, anything else goes through JSON.
func TemplateData(v any) map[string]any {
	if m, ok := v.(map[string]any); ok {
		return m
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if dec.Decode(&m) != nil {
		return nil
	}
	return m
}

// lookup resolves a dotted path; "context" alone is the whole tree.
func lookup(tree map[string]any, expr string) (any, bool) {
	if expr == "" {
		return nil, false
	}
	if expr == "context" {
		if v, ok := tree["context"]; ok {
			return v, true
		}
		return tree, true
	}
	steps, ok := parsePath(expr)
	if !ok {
		return nil, false
	}
	var cur any = tree
	var parent string
	for _, s := range steps {
		switch node := cur.(type) {
		case map[string]any:
			if s.index != nil {
				return nil, false
			}
			v, ok := node[s.key]
			if !ok && parent == "integrations" {
				v, ok = integrationOfType(node, s.key)
			}
			if !ok {
				return nil, false
			}
			cur, parent = v, s.key
		case []any:
			if s.index == nil {
				return nil, false
			}
			i := *s.index
			if i < 0 {
				i += len(node)
			}
			if i < 0 || i >= len(node) {
				return nil, false
			}
			cur, parent = node[i], ""
		default:
			return nil, false
		}
	}
	if cur == nil {
		return nil, false
	}
	return cur, true
}

// integrationOfType finds the entry whose "__integration_type__" is typ.
func integrationOfType(integrations map[string]any, typ string) (any, bool) {
	var keys []string
	for k := range integrations {
		keys = append(keys, k)
	}
	// Lowest id first, so the choice is stable.
	slices.SortFunc(keys, func(a, b string) int {
		if len(a) != len(b) {
			return cmp.Compare(len(a), len(b))
		}
		return strings.Compare(a, b)
	})
	for _, k := range keys {
		if entry, ok := integrations[k].(map[string]any); ok && entry["__integration_type__"] == typ {
			return entry, true
		}
	}
	return nil, false
}

type pathStep struct {
	key   string
	index *int
}

// parsePath splits "ticket.messages[-1].body_text" into steps.
func parsePath(expr string) ([]pathStep, bool) {
	var steps []pathStep
	for _, part := range strings.Split(expr, ".") {
		name, rest, _ := strings.Cut(part, "[")
		if name != "" {
			steps = append(steps, pathStep{key: name})
		}
		if rest == "" {
			if name == "" {
				return nil, false
			}
			continue
		}
		for _, sub := range strings.Split("["+rest, "[")[1:] {
			inner, ok := strings.CutSuffix(sub, "]")
			if !ok {
				return nil, false
			}
			if q := strings.Trim(inner, `'"`); len(q) == len(inner)-2 {
				steps = append(steps, pathStep{key: q})
				continue
			}
			i, err := strconv.Atoi(inner)
			if err != nil {
				return nil, false
			}
			steps = append(steps, pathStep{index: &i})
		}
	}
	return steps, len(steps) > 0
}

func formatValue(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	default:
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if enc.Encode(x) != nil {
			return ""
		}
		return strings.TrimSuffix(buf.String(), "\n")
	}
}
