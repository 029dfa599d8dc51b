package store

import "errors"

// ErrNotFound is returned when a row asked for does not exist (or is not
// visible to the caller's workspace).
var ErrNotFound = errors.New("not found")
