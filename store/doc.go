// Package store is Deskmate's only door to PostgreSQL: connection setup
// (PGlite or PostgreSQL), migrations and every SQL statement the product runs.
// Callers pass context.Context and plain structs; no other package writes SQL.
package store
