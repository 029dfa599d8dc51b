package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// Session is a signed-in browser.
type Session struct {
	ID         int64
	UserID     int64
	CSRFToken  string
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

// CreateSession stores a session under the hash of its cookie value.
func CreateSession(ctx context.Context, q Querier, tokenHash []byte, userID int64, csrf, ip, userAgent string, expires time.Time) (Session, error) {
	s := Session{UserID: userID, CSRFToken: csrf, ExpiresAt: expires}
	err := q.QueryRow(ctx, `
		INSERT INTO sessions (token_hash, user_id, csrf_token, ip, user_agent, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, last_seen_at`,
		tokenHash, userID, csrf, ip, userAgent, expires).Scan(&s.ID, &s.LastSeenAt)
	return s, wrap("create session", mapErr(err))
}

// sessionUser is a session s with its user u (userColumns); the user's id is
// the session's user_id.
type sessionUser struct {
	User
	SessionID  int64     `db:"session_id"`
	CSRFToken  string    `db:"csrf_token"`
	LastSeenAt time.Time `db:"last_seen_at"`
	ExpiresAt  time.Time `db:"expires_at"`
}

// SessionByTokenHash returns a live session and its enabled user.
func SessionByTokenHash(ctx context.Context, q Querier, tokenHash []byte) (Session, User, error) {
	r, err := queryOne(ctx, q, pgx.RowToStructByName[sessionUser], `
		SELECT s.id AS session_id, s.csrf_token, s.last_seen_at, s.expires_at, `+userColumns+`
		FROM sessions s JOIN admin_users u ON u.id = s.user_id
		WHERE s.token_hash = $1 AND s.expires_at > now() AND u.disabled_at IS NULL`, tokenHash)
	if err != nil {
		return Session{}, User{}, wrap("session", err)
	}
	s := Session{ID: r.SessionID, UserID: r.User.ID, CSRFToken: r.CSRFToken, LastSeenAt: r.LastSeenAt, ExpiresAt: r.ExpiresAt}
	return s, r.User, nil
}

// TouchSession records activity and extends the session to expires.
func TouchSession(ctx context.Context, q Querier, id int64, expires time.Time) error {
	_, err := q.Exec(ctx, `UPDATE sessions SET last_seen_at = now(), expires_at = $2 WHERE id = $1`, id, expires)
	return wrap("touch session", err)
}

// DeleteSession ends one session.
func DeleteSession(ctx context.Context, q Querier, id int64) error {
	_, err := q.Exec(ctx, `DELETE FROM sessions WHERE id = $1`, id)
	return wrap("delete session", err)
}

// DeleteUserSessions ends every session of a user except keepID (0 keeps none).
func DeleteUserSessions(ctx context.Context, q Querier, userID, keepID int64) error {
	_, err := q.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1 AND id <> $2`, userID, keepID)
	return wrap("delete sessions", err)
}

// DeleteExpiredSessions removes sessions past their expiry.
func DeleteExpiredSessions(ctx context.Context, q Querier) (int64, error) {
	tag, err := q.Exec(ctx, `DELETE FROM sessions WHERE expires_at <= now()`)
	return tag.RowsAffected(), wrap("delete expired sessions", err)
}
