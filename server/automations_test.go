package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/jobs"
)

// supportAutomations is a small, realistic set of automations, 8 phrases each.
func supportAutomations() []map[string]any {
	return []map[string]any{
		{"name": "Order status", "response": "Hi {{customer.first_name}}, your order is on its way.", "phrases": []string{
			"where is my order", "what is the status of my order", "has my order shipped yet",
			"when will my package arrive", "can you track my order", "my order has not arrived",
			"i want to know where my parcel is", "tracking number for my order please"}},
		{"name": "Refund", "response": "We will refund you within 5 days.", "phrases": []string{
			"i want a refund", "how do i get my money back", "can i get a refund for my purchase",
			"please refund my order", "when will i receive my refund", "refund the item i returned",
			"i would like my money back for this product", "status of my refund"}},
		{"name": "Cancel order", "response": "Your order is cancelled.", "phrases": []string{
			"cancel my order", "i want to cancel the order i just placed", "please cancel order",
			"how can i cancel my purchase", "stop my order before it ships", "i changed my mind cancel the order",
			"can you cancel my recent order", "i need to cancel an order"}},
		{"name": "Change address", "response": "Send us the new address.", "phrases": []string{
			"change my shipping address", "i moved and need to update my address", "update the delivery address",
			"wrong address on my order", "can i change where my package is delivered", "ship it to a different address",
			"edit my address please", "the address on the order is incorrect"}},
		{"name": "Opening hours", "response": "We are open 9–17, Monday to Friday.", "phrases": []string{
			"what are your opening hours", "when are you open", "what time do you close",
			"are you open on sunday", "what are your business hours", "is the store open today",
			"when does the shop open", "opening times please"}},
	}
}

// startWorker works the database's River jobs until the test ends or stop is called.
func startWorker(t *testing.T, a *api) (stop func()) {
	t.Helper()
	client, err := jobs.NewClient(a.db, jobs.Options{Periodic: []*river.PeriodicJob{},
		Services: jobs.Services{Knowledge: a.deps.Knowledge, Automations: a.deps.Automations}})
	require.NoError(t, err)
	require.NoError(t, client.Start(context.Background()))
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		require.NoError(t, client.Stop(ctx))
	}
	t.Cleanup(stop)
	return stop
}

type trainingRun struct {
	ID           int64   `json:"id"`
	Version      int     `json:"version"`
	Status       string  `json:"status"`
	Stage        string  `json:"stage"`
	Progress     float64 `json:"progress"`
	Error        string  `json:"error"`
	PhrasesCount int     `json:"phrases_count"`
	Active       bool    `json:"active"`
	Quality      *struct {
		Accuracy  float64 `json:"accuracy"`
		PerIntent []struct {
			Automation struct{ Name string } `json:"automation"`
		} `json:"per_intent"`
	} `json:"quality"`
	Warnings []struct {
		Kind string `json:"kind"`
	} `json:"warnings"`
}

type trainingStatus struct {
	Latest *trainingRun `json:"latest"`
	Active *trainingRun `json:"active"`
}

func (u *user) training(wsID int64) trainingStatus {
	var st trainingStatus
	u.must(200, "GET", wsPath(wsID, "/automations/training"), nil).JSON(u.a.t, &st)
	return st
}

// waitTrained waits until the latest run has finished.
func (u *user) waitTrained(wsID int64) trainingStatus {
	u.a.t.Helper()
	var st trainingStatus
	require.Eventually(u.a.t, func() bool {
		st = u.training(wsID)
		return st.Latest != nil && st.Latest.Status != "training"
	}, 2*time.Minute, 100*time.Millisecond)
	return st
}

type matchResult struct {
	Intent *struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	} `json:"intent"`
	Confidence float64 `json:"confidence"`
	RunnerUp   *struct {
		Name string `json:"name"`
	} `json:"runner_up"`
	Decision     string  `json:"decision"`
	Response     *string `json:"response"`
	ModelVersion int     `json:"model_version"`
}

func (u *user) testBox(wsID int64, message string, vars map[string]string) matchResult {
	var m matchResult
	u.must(200, "POST", wsPath(wsID, "/automations/test"), map[string]any{"message": message, "variables": vars}).JSON(u.a.t, &m)
	return m
}

func TestTrainingSwapsModelsAndTestBoxMatches(t *testing.T) {
	a := newAPI(t, guards{})
	owner := a.owner()
	w := owner.createWorkspace("acme", nil)

	big := map[string]string{}
	for i := 0; i < 51; i++ {
		big[fmt.Sprintf("v%d", i)] = "x"
	}
	r := owner.call("POST", wsPath(w.ID, "/automations/test"), map[string]any{"message": "where is my order", "variables": big})
	require.Equal(t, map[string]string{"variables": "at most 50"}, r.Fields(t))
	r = owner.call("POST", wsPath(w.ID, "/automations/test"), map[string]any{"message": " ",
		"variables": map[string]string{"customer.first_name": strings.Repeat("x", 1001)}})
	require.Equal(t, map[string]string{"message": "is required",
		"variables": "names are at most 100 characters and values at most 1000"}, r.Fields(t))
	r = owner.call("POST", wsPath(w.ID, "/automations/test"), map[string]any{"message": "where is my order"})
	require.Equal(t, 409, r.Status, string(r.Body))
	require.Contains(t, string(r.Body), "no model trained yet")
	require.Nil(t, owner.training(w.ID).Latest)

	ids := map[string]int64{}
	for _, aut := range supportAutomations() {
		aut["active"] = true
		var out struct{ ID int64 }
		owner.must(201, "POST", wsPath(w.ID, "/automations"), aut).JSON(t, &out)
		ids[aut["name"].(string)] = out.ID
	}

	// Queued, not yet worked: nothing answers, and asking again returns the same run.
	var run, again trainingRun
	owner.must(202, "POST", wsPath(w.ID, "/automations/train"), nil).JSON(t, &run)
	require.Equal(t, 1, run.Version)
	require.Equal(t, "training", run.Status)
	require.Equal(t, "queued", run.Stage)
	owner.must(200, "POST", wsPath(w.ID, "/automations/train"), nil).JSON(t, &again)
	require.Equal(t, run.ID, again.ID)
	require.Equal(t, 409, owner.call("POST", wsPath(w.ID, "/automations/test"), map[string]any{"message": "hi"}).Status)

	stop := startWorker(t, a)
	st := owner.waitTrained(w.ID)
	require.Equal(t, "ready", st.Latest.Status, st.Latest.Error)
	require.Equal(t, "done", st.Latest.Stage)
	require.InDelta(t, 1, st.Latest.Progress, 1e-9)
	require.True(t, st.Latest.Active)
	require.Equal(t, 40, st.Latest.PhrasesCount)
	require.NotNil(t, st.Latest.Quality)
	require.Len(t, st.Latest.Quality.PerIntent, 5)
	require.Equal(t, run.ID, st.Active.ID)

	// A paraphrase finds its automation; unrelated text matches none.
	m := owner.testBox(w.ID, "has my parcel shipped?", nil)
	require.NotNil(t, m.Intent, "%+v", m)
	require.Equal(t, "Order status", m.Intent.Name)
	require.NotEqual(t, "no_match", m.Decision)
	require.Equal(t, "Hi there, your order is on its way.", *m.Response)
	require.Equal(t, 1, m.ModelVersion)
	m = owner.testBox(w.ID, "I'd like a refund please", map[string]string{"customer.first_name": "Ana"})
	require.Equal(t, "Refund", m.Intent.Name)
	require.NotNil(t, m.RunnerUp)
	m = owner.testBox(w.ID, "can you tell me where my order is", map[string]string{"customer.first_name": "Ana"})
	require.Equal(t, "Order status", m.Intent.Name)
	require.Equal(t, "Hi Ana, your order is on its way.", *m.Response)
	m = owner.testBox(w.ID, "what's the weather on mars", nil)
	require.Equal(t, "no_match", m.Decision)
	require.Nil(t, m.Intent)
	require.Nil(t, m.Response)

	// Retrain with the worker stopped: the previous model keeps answering
	// until the new one is ready, then the new one takes over at once.
	stop()
	owner.must(200, "PATCH", wsPath(w.ID, "/automations/"+itoa(ids["Opening hours"])), map[string]any{"active": false})
	owner.must(202, "POST", wsPath(w.ID, "/automations/train"), nil).JSON(t, &run)
	require.Equal(t, 2, run.Version)
	st = owner.training(w.ID)
	require.Equal(t, 2, st.Latest.Version)
	require.Equal(t, "training", st.Latest.Status)
	require.Equal(t, 1, st.Active.Version)
	m = owner.testBox(w.ID, "where is my order", nil)
	require.Equal(t, 1, m.ModelVersion)
	require.Equal(t, "Order status", m.Intent.Name)
	// The deactivated automation no longer answers, even from the old model.
	m = owner.testBox(w.ID, "what are your opening hours", nil)
	require.Nil(t, m.Intent)
	require.Equal(t, "no_match", m.Decision)

	startWorker(t, a)
	st = owner.waitTrained(w.ID)
	require.Equal(t, "ready", st.Latest.Status, st.Latest.Error)
	require.Equal(t, 2, st.Active.Version)
	require.Equal(t, 32, st.Latest.PhrasesCount)
	m = owner.testBox(w.ID, "where is my order", nil)
	require.Equal(t, 2, m.ModelVersion)
	require.Equal(t, "Order status", m.Intent.Name)
	var n int
	require.NoError(t, a.db.Pool.QueryRow(ctx(t), `SELECT count(*) FROM intent_models WHERE workspace_id = $1 AND active`, w.ID).Scan(&n))
	require.Equal(t, 1, n)

	var audit struct {
		Entries []struct{ Action string } `json:"entries"`
	}
	owner.must(200, "GET", wsPath(w.ID, "/audit"), nil).JSON(t, &audit)
	actions := map[string]int{}
	for _, e := range audit.Entries {
		actions[e.Action]++
	}
	require.Equal(t, 2, actions["automation.train"])
	require.Equal(t, 5, actions["automation.create"])
	require.Equal(t, 1, actions["automation.update"])
}

func TestTrainingNeedsTwoActiveAutomations(t *testing.T) {
	a := newAPI(t, guards{})
	owner := a.owner()
	w := owner.createWorkspace("acme", nil)
	aut := supportAutomations()[0]
	aut["active"] = true
	owner.must(201, "POST", wsPath(w.ID, "/automations"), aut)
	r := owner.must(422, "POST", wsPath(w.ID, "/automations/train"), nil)
	require.Equal(t, "training needs at least 2 active automations: has 1", r.Fields(t)["automations"])
}

func TestAutomationValidation(t *testing.T) {
	a := newAPI(t, guards{})
	owner := a.owner()
	w := owner.createWorkspace("acme", nil)
	four := []string{"where is my order", "Where is my ORDER ", "track my order", "has it shipped", "order status"}

	r := owner.must(422, "POST", wsPath(w.ID, "/automations"), map[string]any{"name": "Orders", "phrases": four, "active": true})
	require.Equal(t, "needs at least 7 learning phrases to be active: has 4", r.Fields(t)["active"])

	var created automationResp
	owner.must(201, "POST", wsPath(w.ID, "/automations"), map[string]any{"name": "Orders", "phrases": four,
		"channels": []string{"email", "chat"}, "tags": []string{"orders", "Orders"}}).JSON(t, &created)
	require.Equal(t, []string{"where is my order", "track my order", "has it shipped", "order status"}, created.Phrases)
	require.Equal(t, []string{"orders"}, created.Tags)
	require.Equal(t, "en", created.Language)
	require.Equal(t, "none", created.PostAction)
	require.False(t, created.Active)

	r = owner.must(422, "PATCH", wsPath(w.ID, "/automations/"+itoa(created.ID)), map[string]any{"active": true})
	require.Contains(t, r.Fields(t)["active"], "has 4")
	seven := append(four, "where's my package", "my parcel is late", "is my order on the way")
	owner.must(200, "PATCH", wsPath(w.ID, "/automations/"+itoa(created.ID)), map[string]any{"phrases": seven, "active": true}).JSON(t, &created)
	require.True(t, created.Active)
	require.Len(t, created.Phrases, 7)

	for _, c := range []struct {
		body  map[string]any
		field string
		msg   string
	}{
		{map[string]any{"name": ""}, "name", "is required"},
		{map[string]any{"name": strings.Repeat("n", 101)}, "name", "at most 100"},
		{map[string]any{"name": "orders"}, "name", "already exists"},
		{map[string]any{"name": "X", "response": "Hi {{customer.name}}"}, "response", "unknown variable {{customer.name}}"},
		{map[string]any{"name": "X", "response": "Hi {{customer.first_name"}, "response", "without a matching"},
		{map[string]any{"name": "X", "channels": []string{"pigeon"}}, "channels", "unknown channel"},
		{map[string]any{"name": "X", "post_action": "explode"}, "post_action", "must be one of"},
		{map[string]any{"name": "X", "language": "english"}, "language", "ISO 639"},
		{map[string]any{"name": "X", "phrases": []string{"ok", " "}}, "phrases", "phrase 2 is empty"},
		{map[string]any{"name": "X", "guidance": strings.Repeat("g", 2001)}, "guidance", "at most 2000"},
		{map[string]any{"name": "X", "tags": make21Tags()}, "tags", "at most 20"},
	} {
		r := owner.must(422, "POST", wsPath(w.ID, "/automations"), c.body)
		require.Contains(t, r.Fields(t)[c.field], c.msg, "%v", c.body)
	}

	var list []automationResp
	owner.must(200, "GET", wsPath(w.ID, "/automations"), nil).JSON(t, &list)
	require.Len(t, list, 1)
	owner.must(204, "DELETE", wsPath(w.ID, "/automations/"+itoa(created.ID)), nil)
	owner.must(404, "GET", wsPath(w.ID, "/automations/"+itoa(created.ID)), nil)
}

func make21Tags() []string {
	var out []string
	for i := range 21 {
		out = append(out, "tag-"+itoa(int64(i)))
	}
	return out
}

type automationResp struct {
	ID         int64    `json:"id"`
	Name       string   `json:"name"`
	Phrases    []string `json:"phrases"`
	Response   string   `json:"response"`
	Tags       []string `json:"tags"`
	PostAction string   `json:"post_action"`
	Language   string   `json:"language"`
	Active     bool     `json:"active"`
}

func TestAutomationImportExport(t *testing.T) {
	a := newAPI(t, guards{})
	owner := a.owner()
	w := owner.createWorkspace("acme", nil)
	csvCall := func(body string) resp {
		return owner.call("POST", wsPath(w.ID, "/automations/import"), body, "Content-Type", "text/csv")
	}

	// Errors name the line, counting the lines of a quoted multi-line response.
	r := csvCall("automation,phrase,response\n" +
		"Refund,i want a refund,\"We refund\nwithin 5 days.\"\n" +
		"Refund,,\n" +
		",where is my order,\n")
	require.Equal(t, 422, r.Status, string(r.Body))
	require.Contains(t, r.Fields(t)["file"], "line 4: phrase is empty")
	require.Contains(t, r.Fields(t)["file"], "line 5: automation is empty")
	r = csvCall("automation,phrase\nRefund,i want a refund\n")
	require.Contains(t, r.Fields(t)["file"], `line 1: missing column "response"`)
	r = csvCall("automation,phrase,response\nRefund,i want a refund,A\nRefund,refund me,B\n")
	require.Contains(t, r.Fields(t)["file"], `line 3: response differs from the one on line 2 for automation "Refund"`)
	r = csvCall("automation,phrase,response\nRefund,a,{{order.id}}\n")
	require.Contains(t, r.Fields(t)["file"], `line 2: automation "Refund": response: unknown variable {{order.id}}`)

	var csv strings.Builder
	csv.WriteString("automation,phrase,response,tags\n")
	for _, aut := range supportAutomations()[:2] {
		for _, p := range aut["phrases"].([]string) {
			csv.WriteString(aut["name"].(string) + "," + p + ",\"" + aut["response"].(string) + "\",billing|ai\n")
		}
	}
	csv.WriteString("Greeting,hello,Hello!\n")
	var res struct{ Created, Updated int }
	r = csvCall(csv.String())
	require.Equal(t, 200, r.Status, string(r.Body))
	r.JSON(t, &res)
	require.Equal(t, 3, res.Created)
	var list []automationResp
	owner.must(200, "GET", wsPath(w.ID, "/automations"), nil).JSON(t, &list)
	require.Len(t, list, 3)
	byName := map[string]automationResp{}
	for _, a := range list {
		byName[a.Name] = a
	}
	require.True(t, byName["Refund"].Active, "8 phrases: active")
	require.False(t, byName["Greeting"].Active, "1 phrase: saved inactive")
	require.Equal(t, []string{"billing", "ai"}, byName["Refund"].Tags)
	require.Equal(t, "We will refund you within 5 days.", byName["Refund"].Response)

	exp := owner.must(200, "GET", wsPath(w.ID, "/automations/export?format=csv"), nil)
	require.Contains(t, exp.Header.Get("Content-Type"), "text/csv")
	require.True(t, strings.HasPrefix(string(exp.Body), "automation,phrase,response,tags\n"))
	require.Equal(t, 18, strings.Count(string(exp.Body), "\n"))
	// Importing the export again updates in place.
	r = csvCall(string(exp.Body))
	require.Equal(t, 200, r.Status, string(r.Body))
	r.JSON(t, &res)
	require.Equal(t, 0, res.Created)
	require.Equal(t, 3, res.Updated)

	var js struct {
		Automations []map[string]any `json:"automations"`
	}
	owner.must(200, "GET", wsPath(w.ID, "/automations/export"), nil).JSON(t, &js)
	require.Len(t, js.Automations, 3)
	js.Automations[0]["name"] = "Cancel order"
	owner.must(200, "POST", wsPath(w.ID, "/automations/import"), js).JSON(t, &res)
	require.Equal(t, 1, res.Created)
	require.Equal(t, 2, res.Updated)
	js.Automations[1]["active"] = true
	js.Automations[1]["phrases"] = []string{"one"}
	r = owner.must(422, "POST", wsPath(w.ID, "/automations/import"), js)
	require.Contains(t, r.Fields(t)["file"], "automations[1]: active: needs at least 7 learning phrases to be active: has 1")
	require.Equal(t, 415, owner.call("POST", wsPath(w.ID, "/automations/import"), "x", "Content-Type", "text/plain").Status)
}

func TestAutomationRoles(t *testing.T) {
	a := newAPI(t, guards{})
	owner := a.owner()
	v := newVictim(t, owner, "acme")
	editor := owner.member(v.ws.ID, "ed@acme.test", "editor")
	viewer := owner.member(v.ws.ID, "vi@acme.test", "viewer")
	for _, e := range workspaceEndpoints() {
		if !editorEndpoint(e.path) {
			continue
		}
		r := viewer.call(e.method, v.path(e), e.body)
		if e.method == "GET" {
			require.Equal(t, 200, r.Status, "%s %s: %s", e.method, e.path, r.Body)
			continue
		}
		if e.path == "/automations/test" {
			require.Equal(t, 409, r.Status, "viewers may use the test box: %s", r.Body)
			continue
		}
		require.Equal(t, 403, r.Status, "%s %s: %s", e.method, e.path, r.Body)
	}
	editor.must(201, "POST", wsPath(v.ws.ID, "/automations"), map[string]any{"name": "Refund"})
	editor.must(200, "PATCH", wsPath(v.ws.ID, "/automations/"+itoa(v.automation)), map[string]any{"guidance": "Be brief."})
	editor.must(201, "POST", wsPath(v.ws.ID, "/instructions"), map[string]any{"title": "T", "text": "x"})
	editor.must(200, "PUT", wsPath(v.ws.ID, "/tags/excluded"), map[string]any{"tags": []string{"spam"}})
	editor.must(422, "POST", wsPath(v.ws.ID, "/automations/train"), nil)
	editor.must(204, "DELETE", wsPath(v.ws.ID, "/tags/smart/"+itoa(v.smartTag)), nil)
}
