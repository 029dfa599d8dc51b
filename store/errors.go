package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// ErrNotFound is returned when a row asked for does not exist (or is not
// visible to the caller's workspace).
var ErrNotFound = errors.New("not found")

// ConflictError is returned when a write breaks a unique constraint.
type ConflictError struct {
	Constraint string
}

func (e *ConflictError) Error() string { return "already exists (" + e.Constraint + ")" }

// Querier is what both a pool and a transaction offer, so store functions
// compose inside a caller's transaction.
type Querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// mapErr turns driver errors into store errors callers can test for.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return &ConflictError{Constraint: pgErr.ConstraintName}
	}
	return err
}

// mustAffect returns ErrNotFound when a write touched no row.
func mustAffect(tag pgconn.CommandTag, err error) error {
	if err != nil {
		return mapErr(err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return nil
}

// wrap maps driver errors and adds context to unexpected ones.
func wrap(what string, err error) error {
	err = mapErr(err)
	if err == nil || errors.Is(err, ErrNotFound) {
		return err
	}
	var ce *ConflictError
	if errors.As(err, &ce) {
		return err
	}
	return fmt.Errorf("%s: %w", what, err)
}
