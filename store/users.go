package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// User is a person who signs in to the admin app.
type User struct {
	ID           int64
	Email        string
	Name         string
	InstanceRole string // "owner" or "member"
	PasswordHash string
	DisabledAt   *time.Time
	CreatedAt    time.Time
}

// InstanceOwner reports whether the user owns the whole installation.
func (u User) InstanceOwner() bool { return u.InstanceRole == "owner" }

const userColumns = `id, email, name, instance_role, password_hash, disabled_at, created_at`

func scanUser(row pgx.Row) (User, error) {
	var u User
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.InstanceRole, &u.PasswordHash, &u.DisabledAt, &u.CreatedAt)
	return u, mapErr(err)
}

// CountUsers returns how many users exist.
func CountUsers(ctx context.Context, q Querier) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT count(*) FROM admin_users`).Scan(&n)
	return n, wrap("count users", err)
}

// LockUsers serialises first-user creation inside tx.
func LockUsers(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `LOCK TABLE admin_users IN SHARE ROW EXCLUSIVE MODE`)
	return wrap("lock users", err)
}

// CreateUser inserts a user; a taken email (case-insensitive) is a *ConflictError.
func CreateUser(ctx context.Context, q Querier, email, name, passwordHash, instanceRole string) (User, error) {
	u, err := scanUser(q.QueryRow(ctx, `
		INSERT INTO admin_users (email, name, password_hash, instance_role) VALUES ($1, $2, $3, $4)
		RETURNING `+userColumns, email, name, passwordHash, instanceRole))
	return u, wrap("create user", err)
}

// UserByEmail finds a user by email, case-insensitively.
func UserByEmail(ctx context.Context, q Querier, email string) (User, error) {
	u, err := scanUser(q.QueryRow(ctx, `SELECT `+userColumns+` FROM admin_users WHERE lower(email) = lower($1)`, email))
	return u, wrap("user by email", err)
}

// UserByID finds a user.
func UserByID(ctx context.Context, q Querier, id int64) (User, error) {
	u, err := scanUser(q.QueryRow(ctx, `SELECT `+userColumns+` FROM admin_users WHERE id = $1`, id))
	return u, wrap("user by id", err)
}

// SetPasswordHash replaces a user's password hash.
func SetPasswordHash(ctx context.Context, q Querier, userID int64, hash string) error {
	return wrap("set password", mustAffect(q.Exec(ctx,
		`UPDATE admin_users SET password_hash = $2, updated_at = now() WHERE id = $1`, userID, hash)))
}
