package testdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/deskmate/deskmate/store"
)

// createDatabase makes a fresh database for this package on a real server,
// copied from a migrated template database built once per migration set.
func createDatabase(ctx context.Context, adminURL string) (string, error) {
	hash, err := migrationsHash()
	if err != nil {
		return "", err
	}
	admin, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return "", fmt.Errorf("TEST_DATABASE_URL: %w", err)
	}
	defer admin.Close(context.Background())

	tmpl := "deskmate_tmpl_" + hash
	// Serialise template builds across packages (key: "testtmpl").
	if _, err := admin.Exec(ctx, `SELECT pg_advisory_lock(x'74657374746d706c'::bigint)`); err != nil {
		return "", err
	}
	var exists bool
	err = admin.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, tmpl).Scan(&exists)
	if err == nil && !exists {
		err = buildTemplateDatabase(ctx, admin, adminURL, tmpl)
	}
	_, _ = admin.Exec(context.Background(), `SELECT pg_advisory_unlock(x'74657374746d706c'::bigint)`)
	if err != nil {
		return "", err
	}

	name := "deskmate_test_" + randomHex(6)
	if _, err := admin.Exec(ctx, fmt.Sprintf(`CREATE DATABASE %s TEMPLATE %s`, name, tmpl)); err != nil {
		return "", fmt.Errorf("create test database: %w", err)
	}
	pkg.cleanup = append(pkg.cleanup, func() { dropDatabase(adminURL, name) })
	return withDatabase(adminURL, name)
}

func buildTemplateDatabase(ctx context.Context, admin *pgx.Conn, adminURL, tmpl string) error {
	building := tmpl + "_build"
	_, _ = admin.Exec(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, building))
	if _, err := admin.Exec(ctx, fmt.Sprintf(`CREATE DATABASE %s`, building)); err != nil {
		return fmt.Errorf("create template database: %w", err)
	}
	url, err := withDatabase(adminURL, building)
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, url, store.Options{MaxConns: 2})
	if err != nil {
		return err
	}
	_, err = db.Migrate(ctx, nil)
	db.Close()
	if err != nil {
		return fmt.Errorf("migrate template database: %w", err)
	}
	_, err = admin.Exec(ctx, fmt.Sprintf(`ALTER DATABASE %s RENAME TO %s`, building, tmpl))
	return err
}

func createEmptyDatabase(ctx context.Context, adminURL string) (string, func(), error) {
	admin, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return "", nil, fmt.Errorf("TEST_DATABASE_URL: %w", err)
	}
	defer admin.Close(context.Background())
	name := "deskmate_empty_" + randomHex(6)
	if _, err := admin.Exec(ctx, fmt.Sprintf(`CREATE DATABASE %s`, name)); err != nil {
		return "", nil, err
	}
	url, err := withDatabase(adminURL, name)
	return url, func() { dropDatabase(adminURL, name) }, err
}

func dropDatabase(adminURL, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return
	}
	defer admin.Close(ctx)
	_, _ = admin.Exec(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, name))
}

// withDatabase returns adminURL pointing at another database name.
func withDatabase(adminURL, name string) (string, error) {
	u, err := url.Parse(adminURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", fmt.Errorf("TEST_DATABASE_URL must be a postgres:// URL")
	}
	u.Path = "/" + name
	return u.String(), nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
