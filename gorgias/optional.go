package gorgias

import (
	"bytes"
	"encoding/json"
)

// Optional is one field of a partial update (PUT): a field left unset is
// not sent and stays as it is in Gorgias, Set sends a value and Null sends
// JSON null, which clears the field (an assignee, a snooze date). Struct
// fields of this type carry the `omitzero` JSON option.
type Optional[T any] struct {
	value T
	set   bool
	null  bool
}

// Set returns an Optional that sends v.
func Set[T any](v T) Optional[T] { return Optional[T]{value: v, set: true} }

// Null returns an Optional that sends null.
func Null[T any]() Optional[T] { return Optional[T]{set: true, null: true} }

// IsZero reports whether the field is unset, so `omitzero` leaves it out.
func (o Optional[T]) IsZero() bool { return !o.set }

// IsNull reports whether the field is explicitly null.
func (o Optional[T]) IsNull() bool { return o.set && o.null }

// Get returns the value and whether there is one (set and not null).
func (o Optional[T]) Get() (T, bool) { return o.value, o.set && !o.null }

// MarshalJSON writes the value, or null.
func (o Optional[T]) MarshalJSON() ([]byte, error) {
	if !o.set || o.null {
		return []byte("null"), nil
	}
	return json.Marshal(o.value)
}

// UnmarshalJSON marks the field as set; JSON null makes it Null. Decoding a
// partial update body this way tells "absent" from "null".
func (o *Optional[T]) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*o = Null[T]()
		return nil
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*o = Set(v)
	return nil
}
