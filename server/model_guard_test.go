package server_test

import (
	"net"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/internal/netguard"
)

// A provider URL the model guard would refuse is refused when saved, with
// the reason and the way to allow it; allow-listed, it is saved.
func TestModelProviderURLIsCheckedOnSave(t *testing.T) {
	for _, tc := range []struct {
		allow  []string
		status int
	}{{nil, 422}, {[]string{"127.0.0.1"}, 200}, {[]string{"127.0.0.1:11434"}, 200}} {
		guard, err := netguard.New(tc.allow, netguard.WithAllowListName("DESKMATE_MODEL_ALLOWLIST"))
		require.NoError(t, err)
		a := newAPI(t, guards{model: guard})
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
			require.Contains(t, r.Fields(t)["base_url"], "add 127.0.0.1:11434 to DESKMATE_MODEL_ALLOWLIST")
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

// The model providers' allow list opens the provider, on its port, to
// model requests only: a knowledge URL at the same address stays refused
// (it would otherwise read any local service), and the web sources' allow
// list does not open model providers.
func TestModelAndWebAllowListsAreSeparate(t *testing.T) {
	provider := ollamaEmbed(t)
	pu, err := url.Parse(provider.URL)
	require.NoError(t, err)
	_, port, err := net.SplitHostPort(pu.Host)
	require.NoError(t, err)
	// Another loopback port, closed: nothing may try it anyway.
	otherPort := "1"
	if port == otherPort {
		otherPort = "2"
	}

	for _, tc := range []struct {
		name              string
		modelAllow        []string
		webAllow          []string
		providerSaves     bool
		documentRefusedBy string // the allow list a refused web source names, "" when it is accepted
	}{
		{"model allow-list with the provider's port", []string{"127.0.0.1:" + port}, nil, true, "DESKMATE_URL_ALLOWLIST"},
		{"model allow-list with the whole address", []string{"127.0.0.1"}, nil, true, "DESKMATE_URL_ALLOWLIST"},
		{"web allow-list only", nil, []string{"127.0.0.1"}, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			modelGuard, err := netguard.New(tc.modelAllow, netguard.WithAllowListName("DESKMATE_MODEL_ALLOWLIST"))
			require.NoError(t, err)
			webGuard, err := netguard.New(tc.webAllow)
			require.NoError(t, err)
			a := newAPI(t, guards{web: webGuard, model: modelGuard})
			owner := a.owner()
			w := owner.createWorkspace("acme", nil)

			r := owner.call("PUT", wsPath(w.ID, "/model-settings"), map[string]any{"provider": "ollama", "base_url": provider.URL,
				"chat_model": "llama3.2", "embedding_model": "nomic-embed-text"})
			if tc.providerSaves {
				require.Equal(t, 200, r.Status, string(r.Body))
				// Embedding requests go through the model guard too.
				var c struct {
					OK             bool   `json:"ok"`
					EmbeddingModel string `json:"embedding_model"`
					Error          string `json:"error"`
				}
				owner.must(200, "POST", wsPath(w.ID, "/model-settings/check"), nil).JSON(t, &c)
				require.True(t, c.OK, c.Error)
				require.Equal(t, "ollama/nomic-embed-text", c.EmbeddingModel)
			} else {
				require.Equal(t, 422, r.Status, string(r.Body))
				require.Contains(t, r.Fields(t)["base_url"], "add 127.0.0.1:"+port+" to DESKMATE_MODEL_ALLOWLIST to permit")
			}

			// Another port of the provider's host is refused to the provider, saying how to allow it.
			r = owner.call("PUT", wsPath(w.ID, "/model-settings"), map[string]any{"provider": "ollama", "base_url": "http://127.0.0.1:" + otherPort,
				"chat_model": "llama3.2"})
			if len(tc.modelAllow) == 1 && tc.modelAllow[0] == "127.0.0.1:"+port {
				require.Equal(t, 422, r.Status, string(r.Body))
				require.Contains(t, r.Fields(t)["base_url"],
					"127.0.0.1, a loopback address: not allowed (DESKMATE_MODEL_ALLOWLIST permits 127.0.0.1 on port "+port+" only: add 127.0.0.1:"+otherPort+" to permit port "+otherPort+")")
			}

			var kb struct {
				ID int64 `json:"id"`
			}
			owner.must(201, "POST", wsPath(w.ID, "/knowledge-bases"), map[string]any{"name": "Help"}).JSON(t, &kb)
			docs := wsPath(w.ID, "/knowledge-bases/"+itoa(kb.ID)+"/documents")
			for _, kind := range []string{"url", "sitemap", "crawl"} {
				for _, u := range []string{provider.URL + "/", provider.URL + "/api/tags", "http://127.0.0.1:" + otherPort + "/"} {
					r := owner.call("POST", docs, map[string]any{"kind": kind, "url": u})
					if tc.documentRefusedBy == "" {
						require.Equal(t, 201, r.Status, "%s %s: %s", kind, u, r.Body)
						continue
					}
					require.Equal(t, 422, r.Status, "%s %s: %s", kind, u, r.Body)
					require.Contains(t, r.Fields(t)["url"], "a loopback address: not allowed", kind)
					require.Contains(t, r.Fields(t)["url"], tc.documentRefusedBy, kind)
					require.NotContains(t, r.Fields(t)["url"], "DESKMATE_MODEL_ALLOWLIST", kind)
				}
			}
		})
	}
}
