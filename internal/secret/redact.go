package secret

import (
	"fmt"
	"log/slog"
	"unicode/utf8"
)

// hintMask is the mask Hint shows in place of the hidden characters.
const hintMask = "••••"

// hintMinLen is the length in characters from which Hint shows the last 4.
const hintMinLen = 12

// Hint masks a secret for display in API responses and the UI: "••••"
// followed by its last 4 characters when it has at least 12 characters,
// else "••••" alone. Characters are runes, not bytes.
//
// Hint("") is "••••" too: callers that must tell "not set" apart check for
// the empty secret themselves.
func Hint(s string) string {
	if utf8.RuneCountInString(s) < hintMinLen {
		return hintMask
	}
	// Walk back 4 runes from the end.
	i := len(s)
	for n := 0; n < 4; n++ {
		_, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
	}
	return hintMask + s[i:]
}

// redacted is what a Redacted prints.
const redacted = "[redacted]"

// Redacted holds a secret value in memory. Its String, GoString, Format,
// MarshalJSON, MarshalText and LogValue all print "[redacted]", so a secret
// that reaches a log line or a JSON response by mistake never shows. Reveal
// returns the value for the one place that needs it.
//
// fmt cannot call methods on unexported struct fields: a Redacted in an
// unexported field of a struct printed with %v shows its value. Keep such
// fields exported, or give the struct its own String method.
type Redacted string

// Reveal returns the secret value.
func (r Redacted) Reveal() string { return string(r) }

// String returns "[redacted]".
func (r Redacted) String() string { return redacted }

// GoString returns "[redacted]".
func (r Redacted) GoString() string { return redacted }

// Format prints "[redacted]" for every fmt verb, including %q, %x and %d.
func (r Redacted) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// MarshalJSON encodes "[redacted]".
func (r Redacted) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MarshalText encodes "[redacted]", for encoders other than JSON.
func (r Redacted) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// LogValue logs "[redacted]".
func (r Redacted) LogValue() slog.Value { return slog.StringValue(redacted) }
