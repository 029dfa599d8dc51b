package server_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// endpoint is one workspace-scoped API call, for the isolation matrix. Later
// endpoints are added to workspaceEndpoints so the matrix keeps covering them.
type endpoint struct {
	method, path string // path relative to /api/workspaces/{id}; {sub} is a real id of that workspace
	body         any
}

// workspaceEndpoints lists every workspace-scoped endpoint.
func workspaceEndpoints() []endpoint {
	return []endpoint{
		{"GET", "", nil},
		{"PATCH", "", map[string]any{"name": "Hijacked"}},
		{"DELETE", "", nil},
		{"GET", "/gorgias", nil},
		{"PUT", "/gorgias", map[string]any{"domain": "evil", "api_user": "e@evil.test", "api_key": "stolen-key-1234567"}},
		{"GET", "/gorgias/connection", nil},
		{"PUT", "/gorgias/settings", map[string]any{"mode": "autopilot", "channels": []string{"email"}}},
		{"PUT", "/gorgias/base-url", map[string]any{"base_url": "https://evil.test"}},
		{"POST", "/gorgias/test", nil},
		{"PUT", "/gorgias/bot-user", map[string]any{"user_id": 1}},
		{"POST", "/gorgias/connect", nil},
		{"POST", "/gorgias/pause", nil},
		{"POST", "/gorgias/resume", nil},
		{"POST", "/gorgias/disconnect", map[string]any{"purge": true}},
		{"POST", "/gorgias/oauth/start", nil},
		{"GET", "/gorgias/actions", nil},
		{"GET", "/getting-started", nil},
		{"GET", "/model-settings", nil},
		{"PUT", "/model-settings", map[string]any{"provider": "builtin"}},
		{"POST", "/model-settings/check", nil},
		{"GET", "/members", nil},
		{"POST", "/members", map[string]any{"email": "intruder@evil.test", "name": "I", "password": goodPassword, "role": "owner"}},
		{"PATCH", "/members/{member}", map[string]any{"role": "viewer"}},
		{"DELETE", "/members/{member}", nil},
		{"GET", "/invitations", nil},
		{"POST", "/invitations", map[string]any{"email": "intruder@evil.test", "role": "owner"}},
		{"DELETE", "/invitations/{invitation}", nil},
		{"GET", "/tokens", nil},
		{"POST", "/tokens", map[string]any{"name": "evil", "role": "owner"}},
		{"DELETE", "/tokens/{token}", nil},
		{"GET", "/audit", nil},
		{"GET", "/automations", nil},
		{"POST", "/automations", map[string]any{"name": "Evil"}},
		{"GET", "/automations/export", nil},
		{"POST", "/automations/import", map[string]any{"automations": []map[string]any{{"name": "Evil"}}}},
		{"POST", "/automations/train", nil},
		{"GET", "/automations/training", nil},
		{"POST", "/automations/test", map[string]any{"message": "where is my order"}},
		{"GET", "/automations/{automation}", nil},
		{"PATCH", "/automations/{automation}", map[string]any{"name": "Hijacked"}},
		{"DELETE", "/automations/{automation}", nil},
		{"GET", "/instructions", nil},
		{"POST", "/instructions", map[string]any{"title": "Evil", "text": "Leak everything"}},
		{"PUT", "/instructions/order", map[string]any{"ids": []int64{}}},
		{"PATCH", "/instructions/{instruction}", map[string]any{"text": "Hijacked"}},
		{"DELETE", "/instructions/{instruction}", nil},
		{"GET", "/instructions/{instruction}/revisions", nil},
		{"GET", "/tickets/1001/instructions", nil},
		{"POST", "/tickets/1001/instructions", map[string]any{"text": "Refund everything"}},
		{"GET", "/tags", nil},
		{"PUT", "/tags/excluded", map[string]any{"tags": []string{"evil"}}},
		{"PUT", "/tags/system", map[string]any{"names": map[string]string{"handled_by": "evil"}}},
		{"GET", "/tags/smart", nil},
		{"POST", "/tags/smart", map[string]any{"name": "evil"}},
		{"PATCH", "/tags/smart/{smart_tag}", map[string]any{"name": "hijacked"}},
		{"DELETE", "/tags/smart/{smart_tag}", nil},
		{"GET", "/knowledge-bases", nil},
		{"POST", "/knowledge-bases", map[string]any{"name": "Evil"}},
		{"GET", "/knowledge-bases/{kb}", nil},
		{"PATCH", "/knowledge-bases/{kb}", map[string]any{"name": "Hijacked"}},
		{"DELETE", "/knowledge-bases/{kb}", nil},
		{"GET", "/knowledge-bases/{kb}/progress", nil},
		{"GET", "/knowledge-bases/{kb}/runs", nil},
		{"GET", "/knowledge-bases/{kb}/documents", nil},
		{"POST", "/knowledge-bases/{kb}/documents", map[string]any{"kind": "text", "title": "Evil", "text": "Refund everything"}},
		{"POST", "/knowledge-bases/{kb}/uploads", nil},
		{"GET", "/knowledge-bases/{kb}/documents/{doc}", nil},
		{"PATCH", "/knowledge-bases/{kb}/documents/{doc}", map[string]any{"text": "Hijacked"}},
		{"DELETE", "/knowledge-bases/{kb}/documents/{doc}", nil},
		{"POST", "/knowledge-bases/{kb}/documents/{doc}/resync", nil},
		{"POST", "/knowledge-bases/{kb}/documents/{doc}/retry", nil},
		{"GET", "/knowledge-bases/{kb}/documents/{doc}/chunks", nil},
		{"POST", "/knowledge/search", map[string]any{"query": "refund policy"}},
	}
}

// editorEndpoint reports whether editors may call a workspace endpoint that
// changes something (content, as opposed to settings and people).
func editorEndpoint(path string) bool {
	for _, prefix := range []string{"/automations", "/instructions", "/tickets/", "/tags"} {
		if strings.HasPrefix(path, prefix) {
			return true
		}
	}
	return false
}

// victim is a workspace with one of each sub-resource, to aim requests at.
type victim struct {
	ws                        wsJSON
	member, invitation, token int64
	automation, instruction   int64
	smartTag                  int64
	kb, doc                   int64
}

func newVictim(t *testing.T, owner *user, slug string) victim {
	v := victim{ws: owner.createWorkspace(slug, nil)}
	var m struct {
		UserID int64 `json:"user_id"`
	}
	owner.must(201, "POST", wsPath(v.ws.ID, "/members"), map[string]string{"email": "staff@" + slug + ".test", "name": "Staff",
		"password": goodPassword, "role": "editor"}).JSON(t, &m)
	v.member = m.UserID
	var inv, tok struct {
		ID int64 `json:"id"`
	}
	owner.must(201, "POST", wsPath(v.ws.ID, "/invitations"), map[string]string{"email": "new@" + slug + ".test", "role": "viewer"}).JSON(t, &inv)
	v.invitation = inv.ID
	owner.must(201, "POST", wsPath(v.ws.ID, "/tokens"), map[string]string{"name": "ci", "role": "viewer"}).JSON(t, &tok)
	v.token = tok.ID
	var aut, ins, st struct {
		ID int64 `json:"id"`
	}
	owner.must(201, "POST", wsPath(v.ws.ID, "/automations"), map[string]string{"name": "Order status"}).JSON(t, &aut)
	v.automation = aut.ID
	owner.must(201, "POST", wsPath(v.ws.ID, "/instructions"), map[string]string{"title": "Tone", "text": "Be kind."}).JSON(t, &ins)
	v.instruction = ins.ID
	owner.must(201, "POST", wsPath(v.ws.ID, "/tags/smart"), map[string]string{"name": "vip"}).JSON(t, &st)
	v.smartTag = st.ID
	var kb, doc struct {
		ID int64 `json:"id"`
	}
	owner.must(201, "POST", wsPath(v.ws.ID, "/knowledge-bases"), map[string]string{"name": "Help center"}).JSON(t, &kb)
	v.kb = kb.ID
	owner.must(201, "POST", wsPath(v.ws.ID, "/knowledge-bases/"+itoa(kb.ID)+"/documents"),
		map[string]string{"kind": "text", "title": "Returns", "text": "Returns are free within 30 days."}).JSON(t, &doc)
	v.doc = doc.ID
	return v
}

func (v victim) path(e endpoint) string {
	p := strings.NewReplacer("{member}", itoa(v.member), "{invitation}", itoa(v.invitation), "{token}", itoa(v.token),
		"{automation}", itoa(v.automation), "{instruction}", itoa(v.instruction), "{smart_tag}", itoa(v.smartTag),
		"{kb}", itoa(v.kb), "{doc}", itoa(v.doc)).Replace(e.path)
	return wsPath(v.ws.ID, p)
}

// requireIsolated proves that outsider can neither read nor change victim's
// workspace through any endpoint: every call answers 404, exactly as for a
// workspace that does not exist, and nothing changed.
func requireIsolated(t *testing.T, outsider *user, v victim, endpoints []endpoint) {
	t.Helper()
	for _, e := range endpoints {
		r := outsider.call(e.method, v.path(e), e.body)
		require.Equal(t, 404, r.Status, "%s %s must be 404 for an outsider: %s", e.method, v.path(e), r.Body)
		require.Equal(t, "not_found", r.ErrorCode(t))
	}
	// A workspace id that does not exist answers the same.
	r := outsider.call("GET", wsPath(v.ws.ID+1000, ""), nil)
	require.Equal(t, 404, r.Status)
}

func TestTenantIsolationMatrix(t *testing.T) {
	a := newAPI(t, guards{})
	owner := a.owner()
	victimA := newVictim(t, owner, "alpha")
	victimB := newVictim(t, owner, "bravo")

	// Owners (not instance owners) of each workspace, and an API token of A.
	ownerA := owner.member(victimA.ws.ID, "boss@alpha.test", "owner")
	ownerB := owner.member(victimB.ws.ID, "boss@bravo.test", "owner")
	var tok struct {
		Token string `json:"token"`
	}
	ownerA.must(201, "POST", wsPath(victimA.ws.ID, "/tokens"), map[string]string{"name": "automation", "role": "owner"}).JSON(t, &tok)
	tokenA := &user{a: a, bearer: tok.Token}

	requireIsolated(t, ownerA, victimB, workspaceEndpoints())
	requireIsolated(t, ownerB, victimA, workspaceEndpoints())
	requireIsolated(t, tokenA, victimB, workspaceEndpoints())

	// B is untouched.
	var w wsJSON
	owner.must(200, "GET", wsPath(victimB.ws.ID, ""), nil).JSON(t, &w)
	require.Equal(t, "Bravo", w.Name)
	var members []struct{ Email string }
	owner.must(200, "GET", wsPath(victimB.ws.ID, "/members"), nil).JSON(t, &members)
	require.Len(t, members, 3, "owner, staff and boss of bravo only")

	// Lists show only one's own workspaces.
	var list []wsJSON
	ownerA.must(200, "GET", "/api/workspaces", nil).JSON(t, &list)
	require.Len(t, list, 1)
	require.Equal(t, "alpha", list[0].Slug)
	tokenA.must(200, "GET", "/api/workspaces", nil).JSON(t, &list)
	require.Len(t, list, 1)
	owner.must(200, "GET", "/api/workspaces", nil).JSON(t, &list)
	require.Len(t, list, 2, "the instance owner sees every workspace")

	// Sanity: the same calls work for the workspace's own owner, so the 404s
	// above are isolation, not broken endpoints.
	for _, e := range workspaceEndpoints() {
		if e.method == "GET" {
			ownerA.must(200, "GET", victimA.path(e), nil)
		}
	}
}

func TestRolesAreEnforced(t *testing.T) {
	a := newAPI(t, guards{})
	owner := a.owner()
	v := newVictim(t, owner, "acme")
	editor := owner.member(v.ws.ID, "ed@acme.test", "editor")
	viewer := owner.member(v.ws.ID, "vi@acme.test", "viewer")
	admin := owner.member(v.ws.ID, "ad@acme.test", "admin")

	// Everyone in the workspace may read.
	for _, u := range []*user{editor, viewer, admin} {
		u.must(200, "GET", wsPath(v.ws.ID, ""), nil)
		u.must(200, "GET", wsPath(v.ws.ID, "/model-settings"), nil)
		u.must(200, "GET", wsPath(v.ws.ID, "/gorgias"), nil)
		u.must(200, "GET", wsPath(v.ws.ID, "/members"), nil)
	}
	// Editors and viewers cannot change settings or people.
	for _, u := range []*user{editor, viewer} {
		for _, e := range workspaceEndpoints() {
			if e.method == "GET" && e.path != "/invitations" && e.path != "/tokens" && e.path != "/audit" {
				continue
			}
			if editorEndpoint(e.path) {
				continue // covered by TestAutomationRoles
			}
			if strings.HasPrefix(e.path, "/knowledge") {
				continue // covered by TestKnowledgeRoles
			}
			r := u.call(e.method, v.path(e), e.body)
			require.Equal(t, 403, r.Status, "%s %s: %s", e.method, e.path, r.Body)
			require.Equal(t, "forbidden", r.ErrorCode(t))
		}
	}
	// Admins manage settings and people, but cannot delete the workspace,
	// touch owners or grant more than they have.
	admin.must(200, "PUT", wsPath(v.ws.ID, "/model-settings"), map[string]any{"provider": "ollama", "base_url": "http://127.0.0.1:11434", "chat_model": "llama3.2"})
	require.Equal(t, 403, admin.call("DELETE", wsPath(v.ws.ID, ""), nil).Status)
	require.Equal(t, 403, admin.call("POST", wsPath(v.ws.ID, "/invitations"), map[string]string{"email": "x@acme.test", "role": "owner"}).Status)
	require.Equal(t, 403, admin.call("POST", wsPath(v.ws.ID, "/tokens"), map[string]string{"name": "x", "role": "owner"}).Status)
	me := struct {
		User struct{ ID int64 } `json:"user"`
	}{}
	owner.must(200, "GET", "/api/auth/me", nil).JSON(t, &me)
	require.Equal(t, 403, admin.call("DELETE", wsPath(v.ws.ID, "/members/"+itoa(me.User.ID)), nil).Status)
	admin.must(200, "PATCH", wsPath(v.ws.ID, "/members/"+itoa(v.member)), map[string]string{"role": "viewer"})

	// The last owner can neither be demoted nor removed.
	r := owner.call("PATCH", wsPath(v.ws.ID, "/members/"+itoa(me.User.ID)), map[string]string{"role": "admin"})
	require.Equal(t, 409, r.Status, string(r.Body))
	require.Equal(t, 409, owner.call("DELETE", wsPath(v.ws.ID, "/members/"+itoa(me.User.ID)), nil).Status)

	// Only the instance owner creates workspaces.
	require.Equal(t, 403, admin.call("POST", "/api/workspaces", map[string]string{"name": "X", "slug": "x"}).Status)
	owner.must(204, "DELETE", wsPath(v.ws.ID, ""), nil)
	require.Equal(t, 404, admin.call("GET", wsPath(v.ws.ID, ""), nil).Status)
}
