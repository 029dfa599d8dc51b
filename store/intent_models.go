package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"
)

// IntentModel is one training run of a workspace's matcher and, once ready,
// the model it produced.
type IntentModel struct {
	ID           int64               `db:"id"`
	WorkspaceID  int64               `db:"workspace_id"`
	Version      int                 `db:"version"`
	Status       string              `db:"status"` // training, ready or failed
	Stage        string              `db:"stage"`  // queued, preparing, cross_validating, training, done
	Progress     float64             `db:"progress"`
	Error        string              `db:"error"`
	PhrasesCount int                 `db:"phrases_count"`
	Phrases      map[string][]string `db:"phrases"` // automation id → phrases learned (jsonb, decoded by pgx)
	Quality      json.RawMessage     `db:"quality"` // nil until ready
	Warnings     json.RawMessage     `db:"warnings"`
	Active       bool                `db:"active"`
	CreatedAt    time.Time           `db:"created_at"`
	FinishedAt   *time.Time          `db:"finished_at"`
}

const intentModelColumns = `id, workspace_id, version, status, stage, progress, error, phrases_count, phrases, quality,
	warnings, active, created_at, finished_at`

// CreateIntentModel records a queued training run with the next version number.
// Call it with the workspace locked (LockWorkspace).
func CreateIntentModel(ctx context.Context, q Querier, workspaceID int64) (IntentModel, error) {
	m, err := queryOne(ctx, q, pgx.RowToStructByName[IntentModel], `
		INSERT INTO intent_models (workspace_id, version)
		VALUES ($1, (SELECT coalesce(max(version), 0) + 1 FROM intent_models WHERE workspace_id = $1))
		RETURNING `+intentModelColumns, workspaceID)
	return m, wrap("create intent model", err)
}

// IntentModelByID returns one training run.
func IntentModelByID(ctx context.Context, q Querier, id int64) (IntentModel, error) {
	m, err := queryOne(ctx, q, pgx.RowToStructByName[IntentModel], `SELECT `+intentModelColumns+` FROM intent_models WHERE id = $1`, id)
	return m, wrap("intent model", err)
}

// LatestIntentModel returns a workspace's most recent training run.
func LatestIntentModel(ctx context.Context, q Querier, workspaceID int64) (IntentModel, error) {
	m, err := queryOne(ctx, q, pgx.RowToStructByName[IntentModel], `SELECT `+intentModelColumns+` FROM intent_models
		WHERE workspace_id = $1 ORDER BY version DESC LIMIT 1`, workspaceID)
	return m, wrap("latest intent model", err)
}

// ActiveIntentModel returns the run whose model answers a workspace's messages.
func ActiveIntentModel(ctx context.Context, q Querier, workspaceID int64) (IntentModel, error) {
	m, err := queryOne(ctx, q, pgx.RowToStructByName[IntentModel], `SELECT `+intentModelColumns+` FROM intent_models
		WHERE workspace_id = $1 AND active`, workspaceID)
	return m, wrap("active intent model", err)
}

// ActiveIntentModelRef returns the id and version of a workspace's active model.
func ActiveIntentModelRef(ctx context.Context, q Querier, workspaceID int64) (id int64, version int, err error) {
	err = q.QueryRow(ctx, `SELECT id, version FROM intent_models WHERE workspace_id = $1 AND active`, workspaceID).Scan(&id, &version)
	return id, version, wrap("active intent model", err)
}

// IntentModelBytes returns the serialised model of a ready run.
func IntentModelBytes(ctx context.Context, q Querier, id int64) ([]byte, error) {
	var b []byte
	err := q.QueryRow(ctx, `SELECT model FROM intent_models WHERE id = $1 AND status = 'ready'`, id).Scan(&b)
	return b, wrap("intent model bytes", err)
}

// SetIntentModelStage records a running training's progress.
func SetIntentModelStage(ctx context.Context, q Querier, id int64, stage string, progress float64) error {
	return wrap("intent model stage", mustAffect(q.Exec(ctx, `
		UPDATE intent_models SET stage = $2, progress = $3 WHERE id = $1 AND status = 'training'`, id, stage, progress)))
}

// SetIntentModelPhrases records what a training run learns from.
func SetIntentModelPhrases(ctx context.Context, q Querier, id int64, phrases map[string][]string, count int) error {
	b, err := json.Marshal(phrases)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `UPDATE intent_models SET phrases = $2, phrases_count = $3 WHERE id = $1`, id, b, count)
	return wrap("intent model phrases", err)
}

// FailIntentModel marks a training run failed; the active model is unchanged.
func FailIntentModel(ctx context.Context, q Querier, id int64, msg string) error {
	_, err := q.Exec(ctx, `UPDATE intent_models SET status = 'failed', error = $2, finished_at = now()
		WHERE id = $1 AND status = 'training'`, id, msg)
	return wrap("fail intent model", err)
}

// ActivateIntentModel stores a finished model and makes it the workspace's
// active one in place of the previous, inside tx: readers see either the old
// model or the new one, never none.
func ActivateIntentModel(ctx context.Context, tx pgx.Tx, m IntentModel, model []byte) error {
	if _, err := tx.Exec(ctx, `UPDATE intent_models SET active = false WHERE workspace_id = $1 AND active`, m.WorkspaceID); err != nil {
		return wrap("deactivate intent model", err)
	}
	return wrap("activate intent model", mustAffect(tx.Exec(ctx, `
		UPDATE intent_models SET status = 'ready', stage = 'done', progress = 1, quality = $2, warnings = $3, model = $4,
			active = true, finished_at = now()
		WHERE id = $1 AND status = 'training'`, m.ID, m.Quality, m.Warnings, model)))
}
