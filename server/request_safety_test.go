package server_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// gzipBomb is 300 MiB of spaces gzipped twice: a few hundred bytes.
func gzipBomb(t *testing.T) []byte {
	t.Helper()
	var inner bytes.Buffer
	zw := gzip.NewWriter(&inner)
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for range 300 {
		_, err := zw.Write(chunk)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	var outer bytes.Buffer
	zw = gzip.NewWriter(&outer)
	_, err := zw.Write(inner.Bytes())
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return outer.Bytes()
}

// A compressed request body is refused before anything reads (and so
// decompresses) it: a 300 MiB double-gzip bomb sent without signing in costs
// the server next to nothing.
func TestCompressedBodiesAreRefusedUnread(t *testing.T) {
	a := newAPI(t, guards{})
	bomb := gzipBomb(t)
	require.Less(t, len(bomb), 4096)

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	req := httptest.NewRequest("POST", "/api/auth/login", bytes.NewReader(bomb))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Content-Encoding", "gzip, gzip")
	res, err := a.srv.Test(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	runtime.ReadMemStats(&after)

	require.Equal(t, 415, res.StatusCode, string(body))
	require.Contains(t, string(body), `"code":"unsupported_content_encoding"`)
	require.Contains(t, string(body), `"request_id"`)
	require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(32<<20),
		"the server allocated %d MiB for a refused request", (after.TotalAlloc-before.TotalAlloc)>>20)

	for _, enc := range []string{"br", "deflate", "GZIP", "identity, gzip", "x-gzip", "zstd"} {
		r := a.anon().call("POST", "/api/auth/login", `{"email":"a@b.test","password":"x"}`, "Content-Encoding", enc)
		require.Equal(t, 415, r.Status, "Content-Encoding %q", enc)
	}
	// Uploads and CSV imports are bodies like any other.
	owner := a.owner()
	r := owner.call("POST", "/api/workspaces", `{"name":"Acme","slug":"acme"}`, "Content-Encoding", "gzip")
	require.Equal(t, 415, r.Status)
	r = a.anon().call("POST", "/api/auth/login", `{"email":"a@b.test","password":"wrong password"}`, "Content-Encoding", "identity")
	require.Equal(t, 401, r.Status, "identity is no encoding at all")
}

// Invitation tokens travel in the path; no log line shows them.
func TestLogsRedactInvitationTokens(t *testing.T) {
	a := newAPI(t, guards{})
	owner := a.owner()
	w := owner.createWorkspace("acme", nil)
	var inv struct {
		URL string `json:"url"`
	}
	owner.must(201, "POST", wsPath(w.ID, "/invitations"), map[string]string{"email": "ed@acme.test", "role": "editor"}).JSON(t, &inv)
	token := strings.TrimPrefix(inv.URL, "/invite/")
	require.NotEmpty(t, token)

	anon := a.anon()
	anon.must(200, "GET", "/api/invitations/"+token, nil)
	anon.must(422, "POST", "/api/invitations/"+token+"/accept", map[string]string{"name": "Ed", "password": "short"})
	anon.must(200, "POST", "/api/invitations/"+token+"/accept", map[string]string{"name": "Ed", "password": goodPassword})
	anon.call("GET", "/api/invitations/"+token+"/no-such-route", nil)

	logs := a.logs.String()
	require.NotContains(t, logs, token)
	require.Contains(t, logs, "path=/api/invitations/[redacted]/accept")
	require.Contains(t, logs, "path=/api/invitations/[redacted] ")
}
