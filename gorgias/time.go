package gorgias

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Time is a Gorgias datetime. Gorgias writes UTC datetimes with
// microseconds, with an offset in live payloads
// ("2024-02-14T21:31:12.367230+00:00") and without one in its documentation
// ("2019-11-16T15:59:41.966927"). Time reads both (no offset means UTC) and
// writes the first form. The zero Time is JSON null.
type Time struct{ time.Time }

// timeLayout is what Gorgias sends: "-07:00" prints "+00:00" for UTC.
const timeLayout = "2006-01-02T15:04:05.000000-07:00"

// readLayouts are tried in order; a layout without a zone reads as UTC.
var readLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999-0700",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02",
}

// NewTime returns t as a Gorgias datetime (UTC, microseconds).
func NewTime(t time.Time) Time {
	if t.IsZero() {
		return Time{}
	}
	return Time{t.UTC().Truncate(time.Microsecond)}
}

// ParseTime reads a Gorgias datetime in any of the forms Time accepts.
func ParseTime(s string) (Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range readLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return NewTime(t), nil
		}
	}
	return Time{}, fmt.Errorf("gorgias: %q is not a datetime", s)
}

// String is the datetime as Gorgias writes it, or "" for the zero Time.
func (t Time) String() string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

// MarshalJSON writes "2024-02-14T21:31:12.367230+00:00", or null.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(t.String())
}

// UnmarshalJSON reads null, "" or a datetime with or without an offset.
func (t *Time) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*t = Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("gorgias: datetime: %w", err)
	}
	if s == "" {
		*t = Time{}
		return nil
	}
	parsed, err := ParseTime(s)
	if err != nil {
		return err
	}
	*t = parsed
	return nil
}
