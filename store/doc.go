// Package store is Deskmate's only door to PostgreSQL: connection setup
// (the embedded server or DATABASE_URL; PostgreSQL 15–18 with pgvector 0.8+), migrations and every SQL statement the product runs.
// Callers pass context.Context and plain structs; no other package writes SQL.
package store
