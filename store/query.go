package store

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// Rows become values one way in store: by column name, through pgx's row
// functions, usually pgx.RowToStructByName over a struct whose fields carry
// `db:"column"` tags. A select list is then checked against the struct (a
// column without a field, or a field without a column, is an error) instead
// of matching Scan arguments position by position. Where a column needs
// converting (a nested struct, a nullable column for a plain field), a
// private row struct is mapped and converted. QueryRow(...).Scan stays for a
// scalar or two.

// queryAll runs sql and maps every row with fn (pgx.CollectRows). The
// result is never nil when err is nil.
func queryAll[T any](ctx context.Context, q Querier, fn pgx.RowToFunc[T], sql string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	out, err := pgx.CollectRows(rows, fn)
	return out, mapErr(err)
}

// queryOne runs sql and maps its first row with fn (pgx.CollectOneRow). Like
// QueryRow, further rows are ignored; no row is ErrNotFound.
func queryOne[T any](ctx context.Context, q Querier, fn pgx.RowToFunc[T], sql string, args ...any) (T, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		var zero T
		return zero, mapErr(err)
	}
	v, err := pgx.CollectOneRow(rows, fn)
	return v, mapErr(err)
}
