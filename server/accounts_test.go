package server_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestInputLimits(t *testing.T) {
	a := newAPI(t, guards{})
	owner := a.owner()

	r := owner.call("POST", "/api/workspaces", map[string]any{"name": "A", "slug": "a", "colour": "red"})
	require.Equal(t, 422, r.Status)
	require.Equal(t, map[string]string{"colour": "is not a known field"}, r.Fields(t))

	r = owner.call("POST", "/api/workspaces", map[string]any{"name": strings.Repeat("n", 201), "slug": "Not A Slug",
		"managed_tags": []string{strings.Repeat("t", 101)}, "gorgias_domain": "acme.zendesk.com"})
	require.Equal(t, 422, r.Status)
	f := r.Fields(t)
	require.Equal(t, "must be at most 200 characters", f["name"])
	require.Contains(t, f["slug"], "a-z, 0-9 and -")
	require.Contains(t, f["managed_tags"], "1–100 characters")
	require.Contains(t, f["gorgias_domain"], "Gorgias subdomain")

	tags := make([]string, 51)
	for i := range tags {
		tags[i] = "t" + itoa(int64(i))
	}
	r = owner.call("POST", "/api/workspaces", map[string]any{"name": "A", "slug": "a", "managed_tags": tags})
	require.Equal(t, "at most 50 tags", r.Fields(t)["managed_tags"])

	r = owner.call("POST", "/api/workspaces", map[string]any{"name": 42, "slug": "a"})
	require.Equal(t, 422, r.Status)
	require.Equal(t, "must be a string", r.Fields(t)["name"])

	r = owner.call("POST", "/api/workspaces", `{"name": "A", "slug":`)
	require.Equal(t, 400, r.Status)
	require.Equal(t, "bad_request", r.ErrorCode(t))
	r = owner.call("POST", "/api/workspaces", `{"name": "A", "slug": "a"} {"again": 1}`)
	require.Equal(t, 400, r.Status)
	r = owner.call("POST", "/api/workspaces", `["not", "an", "object"]`)
	require.Equal(t, 400, r.Status)

	w := owner.createWorkspace("a", nil)
	r = owner.call("POST", "/api/workspaces", map[string]any{"name": "Again", "slug": "a"})
	require.Equal(t, "is already used by another workspace", r.Fields(t)["slug"])
	r = owner.call("PATCH", wsPath(w.ID, ""), map[string]any{"slug": "b"})
	require.Equal(t, "cannot be changed", r.Fields(t)["slug"])
	r = owner.call("PUT", wsPath(w.ID, "/model-settings"), map[string]any{"provider": "magic", "api_key": strings.Repeat("k", 5000)})
	require.Equal(t, 422, r.Status)
	require.Contains(t, r.Fields(t)["provider"], "builtin, ollama, openai")
	require.Equal(t, "must be at most 4096 characters", r.Fields(t)["api_key"])
	r = owner.call("PUT", wsPath(w.ID, "/model-settings"), map[string]any{"provider": "ollama", "base_url": "ftp://x"})
	require.Contains(t, r.Fields(t)["base_url"], "http(s) URL")
	require.Equal(t, "is required", r.Fields(t)["chat_model"])

	// Nothing bad was stored.
	var list []wsJSON
	owner.must(200, "GET", "/api/workspaces", nil).JSON(t, &list)
	require.Len(t, list, 1)
}

func TestTagSetsOnOneGorgiasAccountMustNotOverlap(t *testing.T) {
	a := newAPI(t, guards{})
	owner := a.owner()
	first := owner.createWorkspace("eu", map[string]any{"gorgias_domain": "acme", "managed_tags": []string{"EU", "returns"}})

	r := owner.call("POST", "/api/workspaces", map[string]any{"name": "US", "slug": "us", "gorgias_domain": "acme.gorgias.com", "managed_tags": []string{"us", "Returns"}})
	require.Equal(t, 422, r.Status)
	require.Equal(t, `tag "Returns" is already managed by workspace "Eu" on the same Gorgias account`, r.Fields(t)["managed_tags"])
	r = owner.call("POST", "/api/workspaces", map[string]any{"name": "US", "slug": "us", "gorgias_domain": "acme"})
	require.Contains(t, r.Fields(t)["managed_tags"], `workspace "Eu" is also connected to acme.gorgias.com`)

	us := owner.createWorkspace("us", map[string]any{"gorgias_domain": "acme", "managed_tags": []string{"us"}})
	// Another Gorgias account may reuse the tags.
	owner.createWorkspace("beta", map[string]any{"gorgias_domain": "beta", "managed_tags": []string{"EU"}})

	// Updates are checked too, both through the workspace and the connection.
	r = owner.call("PATCH", wsPath(us.ID, ""), map[string]any{"managed_tags": []string{"us", "eu"}})
	require.Equal(t, 422, r.Status)
	r = owner.call("PATCH", wsPath(first.ID, ""), map[string]any{"managed_tags": []string{}})
	require.Equal(t, 422, r.Status, "emptying a tag set would take every ticket of the account")
	other := owner.createWorkspace("other", map[string]any{"managed_tags": []string{"us"}})
	r = owner.call("PUT", wsPath(other.ID, "/gorgias"), map[string]any{"domain": "acme", "api_user": ""})
	require.Equal(t, 422, r.Status)
	require.Contains(t, r.Fields(t)["domain"], `tag "us" is already managed by workspace "Us"`)
}

func TestInvitationFlow(t *testing.T) {
	a := newAPI(t, guards{})
	owner := a.owner()
	w := owner.createWorkspace("acme", nil)
	var inv struct {
		ID  int64  `json:"id"`
		URL string `json:"url"`
	}
	owner.must(201, "POST", wsPath(w.ID, "/invitations"), map[string]string{"email": "Ed@Acme.test", "role": "editor"}).JSON(t, &inv)
	require.True(t, strings.HasPrefix(inv.URL, "/invite/"))
	token := strings.TrimPrefix(inv.URL, "/invite/")

	// The list never shows the token again.
	list := owner.must(200, "GET", wsPath(w.ID, "/invitations"), nil)
	require.NotContains(t, string(list.Body), token)
	require.Contains(t, string(list.Body), "ed@acme.test")

	anon := a.anon()
	var info struct {
		Email         string `json:"email"`
		WorkspaceName string `json:"workspace_name"`
		Role          string `json:"role"`
		ExistingUser  bool   `json:"existing_user"`
	}
	anon.must(200, "GET", "/api/invitations/"+token, nil).JSON(t, &info)
	require.Equal(t, "ed@acme.test", info.Email)
	require.Equal(t, "Acme", info.WorkspaceName)
	require.Equal(t, "editor", info.Role)
	require.False(t, info.ExistingUser)
	require.Equal(t, 404, anon.call("GET", "/api/invitations/not-a-token", nil).Status)

	r := anon.call("POST", "/api/invitations/"+token+"/accept", map[string]string{"name": "Ed", "password": "short"})
	require.Equal(t, 422, r.Status)
	anon.must(200, "POST", "/api/invitations/"+token+"/accept", map[string]string{"name": "Ed", "password": goodPassword})
	var me struct {
		Workspaces []struct{ Slug, Role string } `json:"workspaces"`
	}
	anon.must(200, "GET", "/api/auth/me", nil).JSON(t, &me)
	require.Len(t, me.Workspaces, 1)
	require.Equal(t, "editor", me.Workspaces[0].Role)
	require.Equal(t, 404, a.anon().call("POST", "/api/invitations/"+token+"/accept", map[string]string{"name": "X", "password": goodPassword}).Status, "an invitation works once")

	// An existing user must prove their password to accept.
	w2 := owner.createWorkspace("beta", nil)
	owner.must(201, "POST", wsPath(w2.ID, "/invitations"), map[string]string{"email": "ed@acme.test", "role": "viewer"}).JSON(t, &inv)
	token = strings.TrimPrefix(inv.URL, "/invite/")
	anon.must(200, "GET", "/api/invitations/"+token, nil).JSON(t, &info)
	require.True(t, info.ExistingUser)
	thief := a.anon()
	r = thief.call("POST", "/api/invitations/"+token+"/accept", map[string]string{"name": "", "password": "guessing password"})
	require.Equal(t, 422, r.Status)
	require.Contains(t, r.Fields(t)["password"], "is not the password of ed@acme.test")
	thief.must(200, "POST", "/api/invitations/"+token+"/accept", map[string]string{"password": goodPassword})

	// Revoked invitations stop working.
	owner.must(201, "POST", wsPath(w.ID, "/invitations"), map[string]string{"email": "vi@acme.test", "role": "viewer"}).JSON(t, &inv)
	owner.must(204, "DELETE", wsPath(w.ID, "/invitations/"+itoa(inv.ID)), nil)
	require.Equal(t, 404, anon.call("GET", "/api/invitations/"+strings.TrimPrefix(inv.URL, "/invite/"), nil).Status)
}

func TestAPITokens(t *testing.T) {
	a := newAPI(t, guards{})
	owner := a.owner()
	w := owner.createWorkspace("acme", nil)
	var tok struct {
		ID     int64  `json:"id"`
		Token  string `json:"token"`
		Prefix string `json:"prefix"`
	}
	owner.must(201, "POST", wsPath(w.ID, "/tokens"), map[string]string{"name": "zapier", "role": "editor"}).JSON(t, &tok)
	require.True(t, strings.HasPrefix(tok.Token, "dm_"))
	require.True(t, strings.HasPrefix(tok.Token, tok.Prefix))
	list := owner.must(200, "GET", wsPath(w.ID, "/tokens"), nil)
	require.NotContains(t, string(list.Body), tok.Token, "a token is shown once")

	bot := &user{a: a, bearer: tok.Token}
	bot.must(200, "GET", wsPath(w.ID, ""), nil)
	// Tokens need no CSRF header, and carry their role: an editor token cannot change model settings.
	r := bot.call("PUT", wsPath(w.ID, "/model-settings"), map[string]any{"provider": "builtin"})
	require.Equal(t, 403, r.Status)
	require.Equal(t, 403, bot.call("GET", "/api/auth/me", nil).Status, "tokens are not people")

	var c struct {
		Token string `json:"token"`
	}
	owner.must(201, "POST", wsPath(w.ID, "/tokens"), map[string]string{"name": "admin bot", "role": "admin"}).JSON(t, &c)
	admin := &user{a: a, bearer: c.Token}
	admin.must(200, "PUT", wsPath(w.ID, "/model-settings"), map[string]any{"provider": "ollama", "base_url": "http://127.0.0.1:11434", "chat_model": "llama3.2"})
	var audit struct {
		Entries []struct {
			Actor  struct{ Kind, Label string } `json:"actor"`
			Action string                       `json:"action"`
		} `json:"entries"`
	}
	owner.must(200, "GET", wsPath(w.ID, "/audit"), nil).JSON(t, &audit)
	require.Equal(t, "model_settings.update", audit.Entries[0].Action)
	require.Equal(t, "token", audit.Entries[0].Actor.Kind)
	require.Equal(t, "token admin bot", audit.Entries[0].Actor.Label)

	owner.must(204, "DELETE", wsPath(w.ID, "/tokens/"+itoa(tok.ID)), nil)
	require.Equal(t, 401, bot.call("GET", wsPath(w.ID, ""), nil).Status, "a revoked token stops working at once")
	require.Equal(t, 401, (&user{a: a, bearer: "dm_forged"}).call("GET", wsPath(w.ID, ""), nil).Status)
}

func TestAuditLogRecordsWhoChangedWhat(t *testing.T) {
	a := newAPI(t, guards{})
	owner := a.owner()
	w := owner.createWorkspace("acme", nil)
	owner.must(200, "PATCH", wsPath(w.ID, ""), map[string]any{"name": "Acme Support", "managed_tags": []string{"ai"}})
	owner.member(w.ID, "ed@acme.test", "editor")

	var page struct {
		Entries []struct {
			ID      int64                  `json:"id"`
			Action  string                 `json:"action"`
			Target  string                 `json:"target"`
			Summary map[string]any         `json:"summary"`
			Actor   struct{ Label string } `json:"actor"`
		} `json:"entries"`
		NextBefore *int64 `json:"next_before"`
	}
	owner.must(200, "GET", wsPath(w.ID, "/audit?limit=2"), nil).JSON(t, &page)
	require.Len(t, page.Entries, 2)
	require.Equal(t, "member.add", page.Entries[0].Action)
	require.Equal(t, "ed@acme.test", page.Entries[0].Target)
	require.Equal(t, "workspace.update", page.Entries[1].Action)
	require.Equal(t, []any{"Acme", "Acme Support"}, page.Entries[1].Summary["name"])
	require.Equal(t, "owner@deskmate.test", page.Entries[1].Actor.Label)
	require.NotNil(t, page.NextBefore)
	owner.must(200, "GET", wsPath(w.ID, "/audit?limit=2&before="+itoa(*page.NextBefore)), nil).JSON(t, &page)
	require.Len(t, page.Entries, 1)
	require.Equal(t, "workspace.create", page.Entries[0].Action)
}

func TestSecurityHeaders(t *testing.T) {
	a := newAPI(t, guards{})
	for _, path := range []string{"/", "/status", "/api/setup", "/api/nope"} {
		r := a.anon().call("GET", path, nil)
		require.Contains(t, r.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'", path)
		require.Contains(t, r.Header.Get("Content-Security-Policy"), "script-src 'self'", path)
		require.Equal(t, "nosniff", r.Header.Get("X-Content-Type-Options"), path)
		require.Equal(t, "DENY", r.Header.Get("X-Frame-Options"), path)
		require.Equal(t, "same-origin", r.Header.Get("Referrer-Policy"), path)
	}
}

// Only the instance owner creates accounts directly; anyone else's "add
// member", and any add of an existing account, is an invitation the person
// must accept: no account takeover across workspaces.
func TestAddingMembersNeedsTheirConsent(t *testing.T) {
	a := newAPI(t, guards{})
	owner := a.owner()
	w := owner.createWorkspace("acme", nil)
	admin := owner.member(w.ID, "admin@acme.test", "admin")
	other := owner.createWorkspace("other", nil)
	owner.member(other.ID, "bob@other.test", "editor")

	type added struct {
		UserID     int64 `json:"user_id"`
		Invitation *struct {
			Email string `json:"email"`
			Role  string `json:"role"`
			URL   string `json:"url"`
		} `json:"invitation"`
	}
	// A workspace admin cannot create an account with a password they chose.
	var r added
	admin.must(202, "POST", wsPath(w.ID, "/members"), map[string]string{"email": "new@acme.test", "name": "New", "password": goodPassword, "role": "editor"}).JSON(t, &r)
	require.NotNil(t, r.Invitation)
	require.Equal(t, "new@acme.test", r.Invitation.Email)
	require.True(t, strings.HasPrefix(r.Invitation.URL, "/invite/"))
	require.Equal(t, 401, a.anon().call("POST", "/api/auth/login", map[string]string{"email": "new@acme.test", "password": goodPassword}).Status,
		"no account exists until the invitation is accepted")

	// Nor pull an existing account of another workspace in.
	r = added{}
	admin.must(202, "POST", wsPath(w.ID, "/members"), map[string]string{"email": "bob@other.test", "role": "admin"}).JSON(t, &r)
	require.NotNil(t, r.Invitation)
	var members []struct{ Email string }
	admin.must(200, "GET", wsPath(w.ID, "/members"), nil).JSON(t, &members)
	for _, m := range members {
		require.NotEqual(t, "bob@other.test", m.Email, "not a member before accepting")
	}
	// The instance owner too invites an existing account...
	r = added{}
	owner.must(202, "POST", wsPath(w.ID, "/members"), map[string]string{"email": "bob@other.test", "role": "viewer"}).JSON(t, &r)
	require.NotNil(t, r.Invitation)
	// ...and is the only one who creates one directly.
	r = added{}
	owner.must(201, "POST", wsPath(w.ID, "/members"), map[string]string{"email": "carol@acme.test", "name": "Carol", "password": goodPassword, "role": "viewer"}).JSON(t, &r)
	require.Nil(t, r.Invitation)
	require.NotZero(t, r.UserID)
}

// Someone who cannot open the other workspace learns only that tags overlap
// on that Gorgias account: not its name, not its tags.
func TestTagSetConflictsDoNotNameOtherTenants(t *testing.T) {
	a := newAPI(t, guards{})
	owner := a.owner()
	secret := owner.createWorkspace("secret-brand", map[string]any{"gorgias_domain": "acme", "managed_tags": []string{"vip-returns", "legal"}})
	mine := owner.createWorkspace("mine", nil)
	mallory := owner.member(mine.ID, "mallory@acme.test", "owner")

	for _, body := range []map[string]any{
		{"gorgias_domain": "acme", "managed_tags": []string{"vip-returns"}},
		{"gorgias_domain": "acme"},
	} {
		r := mallory.call("PATCH", wsPath(mine.ID, ""), body)
		require.Equal(t, 422, r.Status)
		msg := r.Fields(t)["managed_tags"]
		require.Contains(t, msg, "another workspace on acme.gorgias.com already handles some of these tickets")
		for _, leak := range []string{"Secret", "secret-brand", "vip-returns", "legal"} {
			require.NotContains(t, strings.ToLower(msg), strings.ToLower(leak))
		}
	}
	r := mallory.call("PUT", wsPath(mine.ID, "/gorgias"), map[string]any{"domain": "acme", "api_user": ""})
	require.Equal(t, 422, r.Status)
	require.NotContains(t, r.Fields(t)["domain"], "Secret")
	// A member of the other workspace is told which one.
	r = owner.call("POST", "/api/workspaces", map[string]any{"name": "Probe", "slug": "probe", "gorgias_domain": "acme", "managed_tags": []string{"legal"}})
	require.Contains(t, r.Fields(t)["managed_tags"], `workspace "Secret-brand"`)
	_ = secret
}

// A stored API key is never sent to a server it was not given for: changing
// the provider or base URL (or the Gorgias domain) without a new key clears it.
func TestChangingTheServerClearsTheStoredKey(t *testing.T) {
	a := newAPI(t, guards{})
	owner := a.owner()
	w := owner.createWorkspace("acme", nil)
	type settings struct {
		APIKeySet  bool   `json:"api_key_set"`
		APIKeyHint string `json:"api_key_hint"`
		BaseURL    string `json:"base_url"`
	}
	var s settings
	owner.must(200, "PUT", wsPath(w.ID, "/model-settings"), map[string]any{"provider": "openai", "base_url": "https://api.openai.com/v1",
		"chat_model": "gpt-4o-mini", "embedding_model": "text-embedding-3-small", "api_key": "sk-live-123456"}).JSON(t, &s)
	require.True(t, s.APIKeySet)
	// Same server, other model: the key stays.
	owner.must(200, "PUT", wsPath(w.ID, "/model-settings"), map[string]any{"provider": "openai", "base_url": "https://api.openai.com/v1",
		"chat_model": "gpt-4o", "embedding_model": "text-embedding-3-small"}).JSON(t, &s)
	require.True(t, s.APIKeySet)
	// Another server without a new key: the key is gone.
	owner.must(200, "PUT", wsPath(w.ID, "/model-settings"), map[string]any{"provider": "openai", "base_url": "https://attacker.example/v1",
		"chat_model": "gpt-4o", "embedding_model": "text-embedding-3-small"}).JSON(t, &s)
	require.False(t, s.APIKeySet)
	key, err := a.ws.Secret(ctx(t), w.ID, "llm.api_key")
	require.NoError(t, err)
	require.Empty(t, key.Reveal())
	// Another server with a new key keeps the new key.
	owner.must(200, "PUT", wsPath(w.ID, "/model-settings"), map[string]any{"provider": "openai", "base_url": "https://api.example.com/v1",
		"chat_model": "gpt-4o", "api_key": "sk-other-9999"}).JSON(t, &s)
	require.True(t, s.APIKeySet)
	require.Equal(t, "••••9999", s.APIKeyHint)

	var g struct {
		APIKeySet bool `json:"api_key_set"`
	}
	owner.must(200, "PUT", wsPath(w.ID, "/gorgias"), map[string]any{"domain": "acme", "api_user": "bot@acme.test", "api_key": "gorgias-key-1"}).JSON(t, &g)
	require.True(t, g.APIKeySet)
	owner.must(200, "PUT", wsPath(w.ID, "/gorgias"), map[string]any{"domain": "acme", "api_user": "bot2@acme.test"}).JSON(t, &g)
	require.True(t, g.APIKeySet, "same account, other user: the key stays")
	owner.must(200, "PUT", wsPath(w.ID, "/gorgias"), map[string]any{"domain": "evil", "api_user": "bot2@acme.test"}).JSON(t, &g)
	require.False(t, g.APIKeySet, "another Gorgias account: the key is gone")
}

// Model names are restricted when saved (they reach SQL and URLs).
func TestModelNamesAreCheckedWhenSaved(t *testing.T) {
	a := newAPI(t, guards{})
	owner := a.owner()
	w := owner.createWorkspace("acme", nil)
	r := owner.call("PUT", wsPath(w.ID, "/model-settings"), map[string]any{"provider": "openai", "base_url": "https://api.openai.com/v1",
		"chat_model": "gpt-4o", "embedding_model": "x' OR '1'='1"})
	require.Equal(t, 422, r.Status)
	require.Contains(t, r.Fields(t)["embedding_model"], "may hold only letters, digits")
	owner.must(200, "PUT", wsPath(w.ID, "/model-settings"), map[string]any{"provider": "openai", "base_url": "https://api.openai.com/v1",
		"chat_model": "hf.co/org/model:Q4_K_M", "embedding_model": "BAAI/bge-small-en-v1.5"})
}
