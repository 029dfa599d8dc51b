package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// RecordLoginAttempt notes a sign-in attempt (a password check) for
// throttling, before the password is checked, so that parallel attempts all
// count. It returns the row, to forget when the password was right or the
// attempt was refused unchecked.
func RecordLoginAttempt(ctx context.Context, q Querier, email, ip string) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `INSERT INTO login_failures (email, ip) VALUES (lower($1), $2) RETURNING id`, email, ip).Scan(&id)
	return id, wrap("record login attempt", err)
}

// ForgetLoginAttempt deletes one recorded attempt.
func ForgetLoginAttempt(ctx context.Context, q Querier, id int64) error {
	_, err := q.Exec(ctx, `DELETE FROM login_failures WHERE id = $1`, id)
	return wrap("forget login attempt", err)
}

// FailureWindow counts failures since a time, and when the oldest of them happened.
type FailureWindow struct {
	Count  int
	Oldest time.Time
}

// LoginFailures counts recent failures for an email and for an IP. Failures
// older than since are deleted first.
func LoginFailures(ctx context.Context, q Querier, email, ip string, since time.Time) (byEmail, byIP FailureWindow, err error) {
	if _, err = q.Exec(ctx, `DELETE FROM login_failures WHERE at < $1`, since); err != nil {
		return byEmail, byIP, wrap("prune login failures", err)
	}
	type windows struct {
		EmailCount  int       `db:"email_count"`
		EmailOldest time.Time `db:"email_oldest"`
		IPCount     int       `db:"ip_count"`
		IPOldest    time.Time `db:"ip_oldest"`
	}
	w, err := queryOne(ctx, q, pgx.RowToStructByName[windows], `
		SELECT count(*) FILTER (WHERE email = lower($1)) AS email_count,
		       coalesce(min(at) FILTER (WHERE email = lower($1)), now()) AS email_oldest,
		       count(*) FILTER (WHERE ip = $2) AS ip_count,
		       coalesce(min(at) FILTER (WHERE ip = $2), now()) AS ip_oldest
		FROM login_failures WHERE email = lower($1) OR ip = $2`, email, ip)
	byEmail, byIP = FailureWindow{Count: w.EmailCount, Oldest: w.EmailOldest}, FailureWindow{Count: w.IPCount, Oldest: w.IPOldest}
	return byEmail, byIP, wrap("count login failures", err)
}

// ClearLoginFailures forgets an email's failures after a successful sign-in.
func ClearLoginFailures(ctx context.Context, q Querier, email string) error {
	_, err := q.Exec(ctx, `DELETE FROM login_failures WHERE email = lower($1)`, email)
	return wrap("clear login failures", err)
}
