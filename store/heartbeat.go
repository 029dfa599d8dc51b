package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// Heartbeat is the last proof that a background worker ran a job.
type Heartbeat struct {
	At    time.Time `json:"at"`
	Host  string    `json:"host"`
	PID   int       `json:"pid"`
	JobID int64     `json:"job_id"`
}

// RecordHeartbeat stores h as the latest heartbeat.
func (db *DB) RecordHeartbeat(ctx context.Context, h Heartbeat) error {
	b, err := json.Marshal(h)
	if err != nil {
		return err
	}
	_, err = db.Pool.Exec(ctx, `
		INSERT INTO settings (key, value, updated_at) VALUES ('jobs.heartbeat', $1, now())
		ON CONFLICT (key) WHERE workspace_id IS NULL DO UPDATE SET value = EXCLUDED.value, updated_at = now()`, b)
	return err
}

// LastHeartbeat returns the latest heartbeat, or ErrNotFound if no worker has
// run one yet.
func (db *DB) LastHeartbeat(ctx context.Context) (Heartbeat, error) {
	var h Heartbeat
	var raw []byte
	err := db.Pool.QueryRow(ctx, `SELECT value FROM settings WHERE workspace_id IS NULL AND key = 'jobs.heartbeat'`).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return h, ErrNotFound
	}
	if err != nil {
		return h, err
	}
	return h, json.Unmarshal(raw, &h)
}
