package server_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/internal/netguard"
	"github.com/deskmate/deskmate/server"
)

// A provider URL the outbound guard would refuse is refused when saved,
// with the reason and the way to allow it; allow-listed, it is saved.
func TestModelProviderURLIsCheckedOnSave(t *testing.T) {
	for _, tc := range []struct {
		allow  []string
		status int
	}{{nil, 422}, {[]string{"127.0.0.1"}, 200}} {
		guard, err := netguard.New(tc.allow)
		require.NoError(t, err)
		a := newAPI(t, func(d *server.Deps) { d.Workspaces.Guard = guard })
		owner := a.owner()
		w := owner.createWorkspace("acme", nil)
		r := owner.call("PUT", wsPath(w.ID, "/model-settings"), map[string]any{"provider": "ollama",
			"base_url": "http://127.0.0.1:11434", "chat_model": "llama3.2", "embedding_model": "nomic-embed-text"})
		require.Equal(t, tc.status, r.Status, string(r.Body))
		var m struct {
			Provider string `json:"provider"`
		}
		owner.must(200, "GET", wsPath(w.ID, "/model-settings"), nil).JSON(t, &m)
		if tc.status == 422 {
			require.Contains(t, r.Fields(t)["base_url"], "loopback address")
			require.Contains(t, r.Fields(t)["base_url"], "DESKMATE_URL_ALLOWLIST")
			require.Equal(t, "builtin", m.Provider, "nothing was saved")
		} else {
			require.Equal(t, "ollama", m.Provider)
		}
		// The metadata address is refused whatever the allow list says about loopback.
		r = owner.call("PUT", wsPath(w.ID, "/model-settings"), map[string]any{"provider": "openai",
			"base_url": "http://169.254.169.254/v1", "chat_model": "gpt"})
		require.Equal(t, 422, r.Status, string(r.Body))
	}
}
