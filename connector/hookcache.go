package connector

import (
	"context"
	"crypto/subtle"
	"sync"
	"time"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/store"
	"github.com/jackc/pgx/v5"
)

// Gorgias may deliver hundreds of webhooks a second for one account, and
// each acknowledgement should cost one short transaction and nothing else.
// So the webhook endpoint keeps, per workspace, what it read of the
// connection (secret hash, status, settings) for hookCacheTTL instead of
// reading it on every delivery, and records "last webhook received" at
// most every hookNoteEvery, outside the acknowledging transaction.
//
// A change made through this process (settings, pause, connect,
// disconnect) drops the copy at once; another Deskmate process serving the
// same database sees it within hookCacheTTL. Until then a paused or
// disconnected workspace may still have a delivery queued, and the job
// reads the connection again before acting, so nothing is done; a new
// secret is accepted at once (a mismatch reads the connection again).

const (
	hookCacheTTL  = 2 * time.Second
	hookNoteEvery = 5 * time.Second
)

type hookEntry struct {
	conn store.GorgiasConnection
	set  Settings
	read time.Time
}

// hookCache holds one entry per workspace whose secret matched, so it is
// never larger than the number of connected workspaces.
type hookCache struct {
	mu      sync.Mutex
	entries map[int64]hookEntry
	noted   map[int64]time.Time
}

func newHookCache() *hookCache {
	return &hookCache{entries: map[int64]hookEntry{}, noted: map[int64]time.Time{}}
}

func (h *hookCache) get(workspaceID int64) (hookEntry, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	e, ok := h.entries[workspaceID]
	if !ok || time.Since(e.read) > hookCacheTTL {
		return hookEntry{}, false
	}
	return e, true
}

func (h *hookCache) put(workspaceID int64, e hookEntry) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.entries[workspaceID] = e
}

// forget drops a workspace's copy after its connection changed.
func (h *hookCache) forget(workspaceID int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.entries, workspaceID)
}

// noteDue says whether "last webhook received" should be written now, and
// if so counts it as written.
func (h *hookCache) noteDue(workspaceID int64, now time.Time) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if now.Sub(h.noted[workspaceID]) < hookNoteEvery {
		return false
	}
	h.noted[workspaceID] = now
	return true
}

// secretMatches compares a secret with a stored hash in constant time.
func secretMatches(hash []byte, secret string) bool {
	got := account.HashToken(secret)
	return secret != "" && len(hash) == len(got) && subtle.ConstantTimeCompare(hash, got) == 1
}

// hookConnection authenticates a webhook: the workspace's connection and
// settings from the cache when they are fresh and the secret matches,
// else read again. An unknown workspace and a wrong secret look the same.
func (s *Service) hookConnection(ctx context.Context, workspaceID int64, secret string) (store.GorgiasConnection, Settings, error) {
	if e, ok := s.hooks.get(workspaceID); ok && secretMatches(e.conn.WebhookSecretHash, secret) {
		return e.conn, e.set, nil
	}
	read := time.Now()
	c, err := s.Authenticate(ctx, workspaceID, secret)
	if err != nil {
		return c, Settings{}, err
	}
	set, err := decodeSettings(c.Settings)
	if err != nil {
		return c, set, err
	}
	s.hooks.put(workspaceID, hookEntry{conn: c, set: set, read: read})
	return c, set, nil
}

// noteWebhook records that a delivery arrived, for the health panel, at
// most every hookNoteEvery per workspace. A failure is logged: it must not
// make Gorgias deliver a stored event again.
func (s *Service) noteWebhook(ctx context.Context, workspaceID int64) {
	if !s.hooks.noteDue(workspaceID, time.Now()) {
		return
	}
	if err := store.NoteGorgiasWebhook(ctx, s.db.Pool, workspaceID); err != nil {
		s.logger.Warn("could not record a webhook's arrival", "workspace_id", workspaceID, "error", err)
	}
}

// changeConnection runs fn, which changes the workspace's connection, in a
// transaction; the webhook cache drops its copy once it is over.
func (s *Service) changeConnection(ctx context.Context, workspaceID int64, fn func(tx pgx.Tx) error) error {
	defer s.hooks.forget(workspaceID)
	return s.db.InTx(ctx, fn)
}
