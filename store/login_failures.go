package store

import (
	"context"
	"time"
)

// RecordLoginFailure notes a failed sign-in for throttling.
func RecordLoginFailure(ctx context.Context, q Querier, email, ip string) error {
	_, err := q.Exec(ctx, `INSERT INTO login_failures (email, ip) VALUES (lower($1), $2)`, email, ip)
	return wrap("record login failure", err)
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
	err = q.QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE email = lower($1)), coalesce(min(at) FILTER (WHERE email = lower($1)), now()),
		       count(*) FILTER (WHERE ip = $2), coalesce(min(at) FILTER (WHERE ip = $2), now())
		FROM login_failures WHERE email = lower($1) OR ip = $2`, email, ip).
		Scan(&byEmail.Count, &byEmail.Oldest, &byIP.Count, &byIP.Oldest)
	return byEmail, byIP, wrap("count login failures", err)
}

// ClearLoginFailures forgets an email's failures after a successful sign-in.
func ClearLoginFailures(ctx context.Context, q Querier, email string) error {
	_, err := q.Exec(ctx, `DELETE FROM login_failures WHERE email = lower($1)`, email)
	return wrap("clear login failures", err)
}
