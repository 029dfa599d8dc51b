package automation

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/internal/validate"
	"github.com/deskmate/deskmate/store"
)

// Limits on automations.
const (
	MinActivePhrases = 7
	MaxPhrases       = 200
	MaxPhraseLen     = 500
	MaxResponseLen   = 5000
	MaxTags          = 20
	MaxGuidanceLen   = 2000
)

// PostActions are what Deskmate does to a ticket after applying an automation
// or a smart tag.
var PostActions = []string{"none", "close", "suspend", "handover"}

// Channels are the Gorgias channels an automation can be limited to.
var Channels = []string{"email", "chat", "contact_form", "sms", "phone", "facebook", "facebook-messenger",
	"instagram-comment", "instagram-direct-message", "whatsapp", "api"}

var languageRe = regexp.MustCompile(`^[a-z]{2,3}$`)

// Input is an automation create or update; nil fields are left as they are
// (or take their defaults on create).
type Input struct {
	Name       *string   `json:"name"`
	Phrases    *[]string `json:"phrases"`
	Response   *string   `json:"response"`
	Tags       *[]string `json:"tags"`
	PostAction *string   `json:"post_action"`
	Channels   *[]string `json:"channels"`
	Language   *string   `json:"language"`
	Guidance   *string   `json:"guidance"`
	Active     *bool     `json:"active"`
}

// apply validates in and copies its set fields onto a.
func apply(a *store.Automation, in Input, v validate.Errors) {
	if in.Name != nil {
		a.Name = strings.TrimSpace(*in.Name)
		v.Length("name", a.Name, 1, 100)
	}
	if in.Phrases != nil {
		a.Phrases = normalizePhrases(*in.Phrases, v)
	}
	if in.Response != nil {
		a.Response = strings.TrimSpace(*in.Response)
		v.Length("response", a.Response, 0, MaxResponseLen)
		if msg := CheckTemplate(a.Response); msg != "" {
			v.Add("response", msg)
		}
	}
	if in.Tags != nil {
		a.Tags = normalizeList("tags", *in.Tags, MaxTags, 100, v)
	}
	if in.PostAction != nil {
		a.PostAction = *in.PostAction
		v.OneOf("post_action", a.PostAction, PostActions...)
	}
	if in.Channels != nil {
		a.Channels = normalizeList("channels", *in.Channels, len(Channels), 50, v)
		for _, c := range a.Channels {
			if !slices.Contains(Channels, c) {
				v.Add("channels", fmt.Sprintf("unknown channel %q: use %s", c, strings.Join(Channels, ", ")))
			}
		}
	}
	if in.Language != nil {
		a.Language = strings.ToLower(strings.TrimSpace(*in.Language))
		if a.Language == "" {
			a.Language = "en"
		}
		if !languageRe.MatchString(a.Language) {
			v.Add("language", "must be an ISO 639 language code such as en or fr")
		}
	}
	if in.Guidance != nil {
		a.Guidance = strings.TrimSpace(*in.Guidance)
		v.Length("guidance", a.Guidance, 0, MaxGuidanceLen)
	}
	if in.Active != nil {
		a.Active = *in.Active
	}
	if a.Active && len(a.Phrases) < MinActivePhrases {
		v.Add("active", fmt.Sprintf("needs at least %d learning phrases to be active: has %d", MinActivePhrases, len(a.Phrases)))
	}
}

// normalizePhrases trims phrases and drops case-insensitive duplicates.
func normalizePhrases(in []string, v validate.Errors) []string {
	out := make([]string, 0, len(in))
	seen := map[string]bool{}
	for i, p := range in {
		p = strings.Join(strings.Fields(p), " ")
		switch {
		case p == "":
			v.Add("phrases", fmt.Sprintf("phrase %d is empty", i+1))
			continue
		case utf8.RuneCountInString(p) > MaxPhraseLen:
			v.Add("phrases", fmt.Sprintf("phrase %d must be at most %d characters", i+1, MaxPhraseLen))
			continue
		}
		if k := strings.ToLower(p); !seen[k] {
			seen[k] = true
			out = append(out, p)
		}
	}
	if len(out) > MaxPhrases {
		v.Add("phrases", fmt.Sprintf("at most %d learning phrases: has %d", MaxPhrases, len(out)))
	}
	return out
}

// normalizeList trims items and drops case-insensitive duplicates.
func normalizeList(field string, in []string, maxItems, maxLen int, v validate.Errors) []string {
	out := make([]string, 0, len(in))
	seen := map[string]bool{}
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s == "" || utf8.RuneCountInString(s) > maxLen {
			v.Add(field, fmt.Sprintf("each item must be 1–%d characters", maxLen))
			continue
		}
		if k := strings.ToLower(s); !seen[k] {
			seen[k] = true
			out = append(out, s)
		}
	}
	if len(out) > maxItems {
		v.Add(field, fmt.Sprintf("at most %d", maxItems))
	}
	return out
}

func newAutomation(workspaceID int64) store.Automation {
	return store.Automation{WorkspaceID: workspaceID, Phrases: []string{}, Tags: []string{}, Channels: []string{},
		PostAction: "none", Language: "en"}
}

// nameTaken turns the unique-name conflict into a field error.
func nameTaken(err error, name string) error {
	var ce *store.ConflictError
	if errors.As(err, &ce) {
		return validate.Field("name", fmt.Sprintf("an automation named %q already exists", name))
	}
	return err
}

// Automations lists a workspace's automations by name.
func (s *Service) Automations(ctx context.Context, actor account.Actor) ([]store.Automation, error) {
	return store.Automations(ctx, s.db.Pool, actor.WorkspaceID, false)
}

// Automation returns one automation.
func (s *Service) Automation(ctx context.Context, actor account.Actor, id int64) (store.Automation, error) {
	return store.AutomationByID(ctx, s.db.Pool, actor.WorkspaceID, id)
}

// CreateAutomation adds an automation (editors).
func (s *Service) CreateAutomation(ctx context.Context, actor account.Actor, in Input) (store.Automation, error) {
	if err := actor.Require(account.RoleEditor); err != nil {
		return store.Automation{}, err
	}
	a := newAutomation(actor.WorkspaceID)
	v := validate.Errors{}
	if in.Name == nil {
		v.Add("name", "is required")
	}
	apply(&a, in, v)
	if err := v.Err(); err != nil {
		return a, err
	}
	var out store.Automation
	err := s.db.InTx(ctx, func(tx pgx.Tx) error {
		if err := store.CheckLimit(ctx, tx, store.LimitAutomations, actor.WorkspaceID, 1); err != nil {
			return err
		}
		var err error
		if out, err = store.CreateAutomation(ctx, tx, a); err != nil {
			return nameTaken(err, a.Name)
		}
		return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "automation.create", out.Name,
			map[string]any{"id": out.ID, "phrases": len(out.Phrases), "active": out.Active})
	})
	return out, err
}

// UpdateAutomation changes the set fields of an automation (editors).
func (s *Service) UpdateAutomation(ctx context.Context, actor account.Actor, id int64, in Input) (store.Automation, error) {
	if err := actor.Require(account.RoleEditor); err != nil {
		return store.Automation{}, err
	}
	var out store.Automation
	err := s.db.InTx(ctx, func(tx pgx.Tx) error {
		old, err := store.AutomationByID(ctx, tx, actor.WorkspaceID, id)
		if err != nil {
			return err
		}
		a := old
		v := validate.Errors{}
		apply(&a, in, v)
		if err := v.Err(); err != nil {
			return err
		}
		if out, err = store.UpdateAutomation(ctx, tx, a); err != nil {
			return nameTaken(err, a.Name)
		}
		diff := automationDiff(old, out)
		if len(diff) == 0 {
			return nil
		}
		return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "automation.update", out.Name, diff)
	})
	return out, err
}

func automationDiff(a, b store.Automation) map[string]any {
	d := map[string]any{}
	if a.Name != b.Name {
		d["name"] = []string{a.Name, b.Name}
	}
	if !slices.Equal(a.Phrases, b.Phrases) {
		d["phrases"] = []int{len(a.Phrases), len(b.Phrases)}
	}
	if a.Response != b.Response {
		d["response"] = "changed"
	}
	if !slices.Equal(a.Tags, b.Tags) {
		d["tags"] = [][]string{a.Tags, b.Tags}
	}
	if a.PostAction != b.PostAction {
		d["post_action"] = []string{a.PostAction, b.PostAction}
	}
	if !slices.Equal(a.Channels, b.Channels) {
		d["channels"] = [][]string{a.Channels, b.Channels}
	}
	if a.Language != b.Language {
		d["language"] = []string{a.Language, b.Language}
	}
	if a.Guidance != b.Guidance {
		d["guidance"] = "changed"
	}
	if a.Active != b.Active {
		d["active"] = []bool{a.Active, b.Active}
	}
	return d
}

// DeleteAutomation removes an automation (editors). The active model keeps
// its phrases until the next training, but no longer answers with it.
func (s *Service) DeleteAutomation(ctx context.Context, actor account.Actor, id int64) error {
	if err := actor.Require(account.RoleEditor); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx pgx.Tx) error {
		a, err := store.AutomationByID(ctx, tx, actor.WorkspaceID, id)
		if err != nil {
			return err
		}
		if err := store.DeleteAutomation(ctx, tx, actor.WorkspaceID, id); err != nil {
			return err
		}
		return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "automation.delete", a.Name, map[string]any{"id": id})
	})
}
