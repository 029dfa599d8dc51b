// Package validate collects input problems per field, so an API answer can
// name every bad field at once (HTTP 422 with a "fields" map).
package validate

import (
	"net/mail"
	"sort"
	"strings"
	"unicode/utf8"
)

// Error lists the problems of one input, by field name.
type Error struct {
	Fields map[string]string
}

func (e *Error) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e.Fields[k]
	}
	return strings.Join(parts, "; ")
}

// Field is a single-field validation error.
func Field(field, msg string) error { return &Error{Fields: map[string]string{field: msg}} }

// Errors gathers problems; the first message for a field wins.
type Errors map[string]string

// Add records a problem with field.
func (v Errors) Add(field, msg string) {
	if _, ok := v[field]; !ok {
		v[field] = msg
	}
}

// Err returns the collected problems as an *Error, or nil.
func (v Errors) Err() error {
	if len(v) == 0 {
		return nil
	}
	return &Error{Fields: v}
}

// Length checks that s has between min and max characters (runes).
func (v Errors) Length(field, s string, min, max int) {
	n := utf8.RuneCountInString(s)
	switch {
	case !utf8.ValidString(s):
		v.Add(field, "must be valid UTF-8 text")
	case n < min && min == 1:
		v.Add(field, "is required")
	case n < min:
		v.Add(field, "must be at least "+itoa(min)+" characters")
	case n > max:
		v.Add(field, "must be at most "+itoa(max)+" characters")
	}
}

// Email checks a bare address such as ana@example.com.
func (v Errors) Email(field, s string) {
	if s == "" {
		v.Add(field, "is required")
		return
	}
	if len(s) > 320 {
		v.Add(field, "must be at most 320 characters")
		return
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || !strings.Contains(s[strings.LastIndex(s, "@"):], ".") {
		v.Add(field, "must be an email address such as ana@example.com")
	}
}

// OneOf checks that s is one of the allowed values.
func (v Errors) OneOf(field, s string, allowed ...string) {
	for _, a := range allowed {
		if s == a {
			return
		}
	}
	v.Add(field, "must be one of "+strings.Join(allowed, ", "))
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
