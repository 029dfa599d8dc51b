package connector

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/automation"
	"github.com/deskmate/deskmate/gorgias"
	"github.com/deskmate/deskmate/store"
	"github.com/deskmate/deskmate/workspace"
)

// Installing creates in Gorgias what Deskmate needs there: one HTTP
// integration per trigger (Gorgias sends no event name, so the URL says
// it), one that feeds the sidebar, the sidebar widget with its buttons,
// Deskmate's tags and the agents' views. Every call carries a secret made
// for the workspace (only its hash is compared). Disconnecting deletes
// exactly what was created; tags that existed before are left alone.

// webhookTriggers are the events Deskmate listens to.
var webhookTriggers = []string{gorgias.TriggerTicketCreated, gorgias.TriggerTicketMessageCreated, gorgias.TriggerTicketUpdated}

// webhookURL is where Gorgias posts a workspace's events of one trigger.
func (s *Service) webhookURL(workspaceID int64, trigger string) string {
	return s.publicURL + "/gorgias/webhook/" + strconv.FormatInt(workspaceID, 10) + "/" + trigger
}

// widgetURL is where the sidebar reads Deskmate's data and its buttons post.
func (s *Service) widgetURL(workspaceID int64, rest string) string {
	return s.publicURL + "/gorgias/widget/" + strconv.FormatInt(workspaceID, 10) + rest
}

// ErrNoPublicURL says Deskmate does not know the address Gorgias reaches it at.
var ErrNoPublicURL = errors.New("set DESKMATE_PUBLIC_URL to the address Gorgias can reach Deskmate at")

// Connect installs Deskmate in the workspace's Gorgias account and starts
// acting on tickets (admins). Connecting again reinstalls: what an earlier
// install created is removed first, and a new secret replaces the old one.
func (s *Service) Connect(ctx context.Context, actor account.Actor) (Connection, error) {
	if err := actor.Require(account.RoleAdmin); err != nil {
		return Connection{}, err
	}
	if s.publicURL == "" {
		return Connection{}, ErrNoPublicURL
	}
	c, _, err := s.connection(ctx, s.db.Pool, actor.WorkspaceID)
	if err != nil {
		return Connection{}, err
	}
	if c.BotUserID == nil {
		return Connection{}, fmt.Errorf("%w: choose the Gorgias user Deskmate writes as", ErrNotConnected)
	}
	cl, err := s.client(ctx, c)
	if err != nil {
		return Connection{}, err
	}
	var old Installed
	_ = json.Unmarshal(c.Installed, &old)
	if err := s.uninstall(ctx, cl, old); err != nil {
		return Connection{}, s.noteError(ctx, actor.WorkspaceID, err)
	}
	tags, err := s.automations.TagConfig(ctx, actor)
	if err != nil {
		return Connection{}, err
	}
	secret := randomHex(32)
	inst, err := s.install(ctx, cl, actor.WorkspaceID, secret, tags)
	if err != nil {
		// Leave nothing half installed behind.
		_ = s.uninstall(context.WithoutCancel(ctx), cl, inst)
		return Connection{}, s.noteError(ctx, actor.WorkspaceID, fmt.Errorf("install Deskmate in Gorgias: %w", err))
	}
	err = s.changeConnection(ctx, actor.WorkspaceID, func(tx pgx.Tx) error {
		c, err := store.LockGorgiasConnection(ctx, tx, actor.WorkspaceID)
		if err != nil {
			return err
		}
		if err := s.workspaces.StoreSecret(ctx, tx, actor.WorkspaceID, workspace.SecretGorgiasWebhook, secret); err != nil {
			return err
		}
		h := account.HashToken(secret)
		c.WebhookSecretHash, c.Status = h[:], "connected"
		if c.Installed, err = json.Marshal(inst); err != nil {
			return err
		}
		if err := store.SaveGorgiasConnection(ctx, tx, c); err != nil {
			return err
		}
		return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "gorgias.connect", "",
			map[string]any{"integrations": len(inst.Integrations), "tags": len(inst.Tags), "views": len(inst.Views)})
	})
	if err != nil {
		return Connection{}, err
	}
	return s.Connection(ctx, actor)
}

// install creates everything; on error it returns what it created so far.
func (s *Service) install(ctx context.Context, cl *gorgias.Client, workspaceID int64, secret string,
	tags automation.TagConfig) (Installed, error) {
	inst := Installed{Integrations: []int64{}, Widgets: []int64{}, Tags: []int64{}, Views: []int64{}}
	headers := map[string]string{gorgias.DefaultSecretHeader: secret}
	for _, trigger := range webhookTriggers {
		in, err := cl.CreateIntegration(ctx, gorgias.Integration{Type: gorgias.IntegrationHTTP, Name: "Deskmate (" + trigger + ")",
			Description: "Sends " + trigger + " events to Deskmate.",
			HTTP: &gorgias.HTTPIntegration{URL: s.webhookURL(workspaceID, trigger), Method: "POST", Headers: headers,
				RequestContentType: gorgias.ContentTypeJSON, ResponseContentType: gorgias.ContentTypeJSON,
				Form: gorgias.FormContext, Triggers: map[string]bool{trigger: true}}})
		if err != nil {
			return inst, err
		}
		inst.Integrations = append(inst.Integrations, in.ID)
	}
	sidebar, err := cl.CreateIntegration(ctx, gorgias.Integration{Type: gorgias.IntegrationHTTP, Name: "Deskmate sidebar",
		Description: "What Deskmate did on the ticket, shown in the sidebar.",
		HTTP: &gorgias.HTTPIntegration{URL: s.widgetURL(workspaceID, "?ticket_id={{ticket.id}}"), Method: "GET",
			Headers: headers, RequestContentType: gorgias.ContentTypeJSON, ResponseContentType: gorgias.ContentTypeJSON,
			Form: map[string]string{}, Triggers: map[string]bool{gorgias.TriggerTicketCreated: true,
				gorgias.TriggerTicketMessageCreated: true, gorgias.TriggerTicketUpdated: true}}})
	if err != nil {
		return inst, err
	}
	inst.Integrations = append(inst.Integrations, sidebar.ID)
	w, err := cl.CreateWidget(ctx, gorgias.Widget{Type: gorgias.IntegrationHTTP, Context: gorgias.WidgetContextTicket,
		IntegrationID: sidebar.ID, Template: gorgias.SidebarTemplate(gorgias.SidebarWidget{
			DraftURL: s.widgetURL(workspaceID, "/draft"), InstructionsURL: s.widgetURL(workspaceID, "/instructions"),
			TranslateURL: s.widgetURL(workspaceID, "/translate"), SummarizeURL: s.widgetURL(workspaceID, "/summarize"),
			Secret: secret, LinkURL: s.publicURL + "/conversations?ticket={{ticket.id}}"})})
	if err != nil {
		return inst, err
	}
	inst.Widgets = append(inst.Widgets, w.ID)
	if inst.Tags, err = s.installTags(ctx, cl, tags); err != nil {
		return inst, err
	}
	for _, v := range agentViews(tags) {
		view, err := cl.CreateView(ctx, v)
		if err != nil {
			return inst, err
		}
		inst.Views = append(inst.Views, view.ID)
	}
	return inst, nil
}

// installTags creates Deskmate's system tags that Gorgias does not have
// yet, with their meanings as descriptions; it returns the ones it created.
func (s *Service) installTags(ctx context.Context, cl *gorgias.Client, tags automation.TagConfig) ([]int64, error) {
	existing, err := cl.Tags(ctx)
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for _, t := range existing {
		have[t.Name] = true
	}
	created := []int64{}
	for _, st := range tags.System {
		if have[st.Name] {
			continue
		}
		t, err := cl.CreateTag(ctx, gorgias.TagInput{Name: st.Name, Description: clip(st.Meaning, 1000),
			Decoration: gorgias.Object{"color": "#4F46E5"}})
		if err != nil {
			return created, err
		}
		created = append(created, t.ID)
	}
	return created, nil
}

// agentViews are the ticket lists agents use to find what needs them.
func agentViews(tags automation.TagConfig) []gorgias.View {
	view := func(title, slug, tag string) gorgias.View {
		return gorgias.View{Name: title, Slug: slug, Type: "ticket-list", Visibility: "public",
			Filters: "containsAny(ticket.tags.name, ['" + tag + "'])", OrderBy: "updated_datetime", OrderDir: "desc"}
	}
	return []gorgias.View{
		view("Agent required (Deskmate)", "deskmate-agent-required", systemTag(tags, "agent_required")),
		view("Agent check recommended (Deskmate)", "deskmate-agent-check", systemTag(tags, "agent_check_recommended")),
		view("Resolved by Deskmate", "deskmate-resolved", systemTag(tags, "closed_by_ai")),
	}
}

// uninstall deletes what an install created; what is already gone is fine.
func (s *Service) uninstall(ctx context.Context, cl *gorgias.Client, inst Installed) error {
	var errs []error
	gone := func(err error) {
		if err != nil && !errors.Is(err, gorgias.ErrNotFound) {
			errs = append(errs, err)
		}
	}
	for _, id := range inst.Widgets {
		gone(cl.DeleteWidget(ctx, id))
	}
	for _, id := range inst.Integrations {
		gone(cl.DeleteIntegration(ctx, id))
	}
	for _, id := range inst.Views {
		gone(cl.DeleteView(ctx, id))
	}
	for _, id := range inst.Tags {
		gone(cl.DeleteTag(ctx, id))
	}
	return errors.Join(errs...)
}

// Disconnect removes everything Deskmate created in Gorgias, revokes its
// authorization and stops; purge also deletes what Deskmate kept about the
// workspace's tickets (admins).
func (s *Service) Disconnect(ctx context.Context, actor account.Actor, purge bool) (Connection, error) {
	if err := actor.Require(account.RoleAdmin); err != nil {
		return Connection{}, err
	}
	c, _, err := s.connection(ctx, s.db.Pool, actor.WorkspaceID)
	if err != nil {
		return Connection{}, err
	}
	var inst Installed
	_ = json.Unmarshal(c.Installed, &inst)
	if cl, err := s.client(ctx, c); err == nil {
		if err := s.uninstall(ctx, cl, inst); err != nil {
			return Connection{}, s.noteError(ctx, actor.WorkspaceID, fmt.Errorf("remove Deskmate from Gorgias: %w", err))
		}
	} else if len(inst.Integrations)+len(inst.Widgets)+len(inst.Tags)+len(inst.Views) > 0 {
		return Connection{}, fmt.Errorf("cannot reach Gorgias to remove what Deskmate installed: %w", err)
	}
	if err := s.revokeOAuth(ctx, c); err != nil {
		return Connection{}, s.noteError(ctx, actor.WorkspaceID, err)
	}
	err = s.changeConnection(ctx, actor.WorkspaceID, func(tx pgx.Tx) error {
		c, err := store.LockGorgiasConnection(ctx, tx, actor.WorkspaceID)
		if err != nil {
			return err
		}
		for _, name := range []string{workspace.SecretGorgiasWebhook, workspace.SecretGorgiasAccessToken, workspace.SecretGorgiasRefreshToken} {
			if err := s.workspaces.StoreSecret(ctx, tx, actor.WorkspaceID, name, ""); err != nil {
				return err
			}
		}
		c.Status, c.WebhookSecretHash, c.Installed, c.OAuthExpiresAt = "disconnected", nil, json.RawMessage(`{}`), nil
		if c.AuthKind == "oauth" {
			c.AuthKind = "api_key"
		}
		if err := store.SaveGorgiasConnection(ctx, tx, c); err != nil {
			return err
		}
		if purge {
			if err := store.PurgeGorgiasData(ctx, tx, actor.WorkspaceID); err != nil {
				return err
			}
		}
		return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "gorgias.disconnect", "", map[string]any{"purge": purge})
	})
	if err != nil {
		return Connection{}, err
	}
	return s.Connection(ctx, actor)
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
