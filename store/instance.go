package store

import (
	"context"
	"time"
)

// Instance identifies one Deskmate installation (one database). It is created
// on first start and never changes, so it shows whether state survived.
type Instance struct {
	ID        string    `json:"id"`
	CreatedAt time.Time `json:"created_at"`
}

// EnsureInstance returns the installation's identity, creating it on first use.
func (db *DB) EnsureInstance(ctx context.Context) (Instance, error) {
	var in Instance
	_, err := db.Pool.Exec(ctx, `
		INSERT INTO settings (key, value)
		VALUES ('instance', jsonb_build_object('id', gen_random_uuid()::text, 'created_at', now()))
		ON CONFLICT (key) WHERE workspace_id IS NULL DO NOTHING`)
	if err != nil {
		return in, err
	}
	err = db.Pool.QueryRow(ctx, `
		SELECT value->>'id', (value->>'created_at')::timestamptz
		FROM settings WHERE workspace_id IS NULL AND key = 'instance'`).Scan(&in.ID, &in.CreatedAt)
	return in, err
}
