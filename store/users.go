package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// User is a person who signs in to the admin app.
type User struct {
	ID           int64      `db:"id"`
	Email        string     `db:"email"`
	Name         string     `db:"name"`
	InstanceRole string     `db:"instance_role"` // "owner" or "member"
	PasswordHash string     `db:"password_hash"`
	DisabledAt   *time.Time `db:"disabled_at"`
	CreatedAt    time.Time  `db:"created_at"`
}

// InstanceOwner reports whether the user owns the whole installation.
func (u User) InstanceOwner() bool { return u.InstanceRole == "owner" }

// userColumns reads a user u.
const userColumns = `u.id, u.email, u.name, u.instance_role, u.password_hash, u.disabled_at, u.created_at`

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
	u, err := queryOne(ctx, q, pgx.RowToStructByName[User], `
		INSERT INTO admin_users AS u (email, name, password_hash, instance_role) VALUES ($1, $2, $3, $4)
		RETURNING `+userColumns, email, name, passwordHash, instanceRole)
	return u, wrap("create user", err)
}

// UserByEmail finds a user by email, case-insensitively.
func UserByEmail(ctx context.Context, q Querier, email string) (User, error) {
	u, err := queryOne(ctx, q, pgx.RowToStructByName[User], `SELECT `+userColumns+` FROM admin_users u WHERE lower(u.email) = lower($1)`, email)
	return u, wrap("user by email", err)
}

// SetPasswordHash replaces a user's password hash.
func SetPasswordHash(ctx context.Context, q Querier, userID int64, hash string) error {
	return wrap("set password", mustAffect(q.Exec(ctx,
		`UPDATE admin_users SET password_hash = $2, updated_at = now() WHERE id = $1`, userID, hash)))
}
