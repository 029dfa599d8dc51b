package automation

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/internal/validate"
	"github.com/deskmate/deskmate/store"
)

// MaxExcludedTags is how many excluded tags a workspace may have.
const MaxExcludedTags = 100

// SystemTagKeys are the tags Deskmate itself puts on tickets, in display order.
var SystemTagKeys = []string{"need_human_help", "information_to_human", "transfer_to_human", "sys_human_help",
	"sys_human_follow_up", "handled_by", "agent_required", "agent_check_recommended", "not_involved", "closed_by_ai"}

// systemTagMeanings says when Deskmate puts each system tag on a ticket.
var systemTagMeanings = map[string]string{
	"need_human_help":         "Deskmate could not answer from its knowledge and asks a person to reply.",
	"information_to_human":    "Deskmate collected what a person needs (an order number, a photo) and passed the ticket on.",
	"transfer_to_human":       "The customer asked for a person; Deskmate handed the ticket over.",
	"sys_human_help":          "Deskmate told the customer that a person will help them.",
	"sys_human_follow_up":     "Deskmate promised that someone will check or get back to the customer later.",
	"handled_by":              "Deskmate replied on this ticket.",
	"agent_required":          "Deskmate handed the ticket to a person, whatever the reason: an agent must take it. Removing the tag and assigning the bot gives the ticket back to Deskmate.",
	"agent_check_recommended": "Deskmate answered but is not sure enough: an agent should check the reply.",
	"not_involved":            "Deskmate stays out of the ticket: it adds the tag when it leaves a ticket alone for good (an excluded tag, no managed tag), and an agent adds it to keep Deskmate out.",
	"closed_by_ai":            "Deskmate closed the ticket after answering it.",
}

// DefaultSystemTagName is the name of a system tag until a workspace renames it.
func DefaultSystemTagName(key string) string {
	if key == "handled_by" {
		return "ai-handled"
	}
	return strings.ReplaceAll(key, "_", "-")
}

// SystemTag is one system tag with its current name.
type SystemTag struct {
	Key     string `json:"key"`
	Name    string `json:"name"`
	Default string `json:"default"`
	// Meaning says when Deskmate applies the tag.
	Meaning string `json:"meaning"`
}

// TagConfig is a workspace's whole tag configuration.
type TagConfig struct {
	Managed  []string
	Excluded []string
	System   []SystemTag
	Smart    []store.SmartTag
}

// SmartTagInput is a smart tag create or update; nil fields are left as they are.
type SmartTagInput struct {
	Name         *string `json:"name"`
	Description  *string `json:"description"`
	Instructions *string `json:"instructions"`
	PostAction   *string `json:"post_action"`
}

func systemTags(ts store.TagSettings) []SystemTag {
	out := make([]SystemTag, len(SystemTagKeys))
	for i, k := range SystemTagKeys {
		out[i] = SystemTag{Key: k, Name: DefaultSystemTagName(k), Default: DefaultSystemTagName(k), Meaning: systemTagMeanings[k]}
		if n, ok := ts.System[k]; ok && n != "" {
			out[i].Name = n
		}
	}
	return out
}

// TagConfig reads a workspace's tag configuration.
func (s *Service) TagConfig(ctx context.Context, actor account.Actor) (TagConfig, error) {
	return tagConfig(ctx, s.db.Pool, actor.WorkspaceID)
}

func tagConfig(ctx context.Context, q store.Querier, workspaceID int64) (TagConfig, error) {
	var c TagConfig
	w, err := store.WorkspaceByID(ctx, q, workspaceID)
	if err != nil {
		return c, err
	}
	ts, err := store.TagSettingsOf(ctx, q, workspaceID)
	if err != nil {
		return c, err
	}
	if c.Smart, err = store.SmartTags(ctx, q, workspaceID); err != nil {
		return c, err
	}
	c.Managed, c.Excluded, c.System = w.ManagedTags, ts.Excluded, systemTags(ts)
	return c, nil
}

// tagOwners maps each lower-cased tag name of a configuration to who uses it,
// e.g. `excluded tag "vip"` or `system tag handled_by`; skip leaves one kind out.
func tagOwners(c TagConfig, skip string, skipSmartID int64) map[string]string {
	out := map[string]string{}
	if skip != "excluded" {
		for _, t := range c.Excluded {
			out[strings.ToLower(t)] = fmt.Sprintf("excluded tag %q", t)
		}
	}
	if skip != "system" {
		for _, t := range c.System {
			out[strings.ToLower(t.Name)] = fmt.Sprintf("system tag %s (%q)", t.Key, t.Name)
		}
	}
	for _, t := range c.Smart {
		if t.ID != skipSmartID {
			out[strings.ToLower(t.Name)] = fmt.Sprintf("smart tag %q", t.Name)
		}
	}
	return out
}

// lockedTagConfig locks the workspace (serialising every tag change, and
// managed-tag changes in package workspace) and reads its tag configuration.
func lockedTagConfig(ctx context.Context, tx pgx.Tx, workspaceID int64) (TagConfig, store.TagSettings, error) {
	if err := store.LockWorkspace(ctx, tx, workspaceID); err != nil {
		return TagConfig{}, store.TagSettings{}, err
	}
	c, err := tagConfig(ctx, tx, workspaceID)
	if err != nil {
		return c, store.TagSettings{}, err
	}
	ts, err := store.TagSettingsOf(ctx, tx, workspaceID)
	return c, ts, err
}

// SetExcludedTags replaces a workspace's excluded tags (editors). A tag may
// not also be managed by the workspace, nor share a system or smart tag's name.
func (s *Service) SetExcludedTags(ctx context.Context, actor account.Actor, tags []string) (TagConfig, error) {
	if err := actor.Require(account.RoleEditor); err != nil {
		return TagConfig{}, err
	}
	v := validate.Errors{}
	tags = normalizeList("excluded", tags, MaxExcludedTags, 100, v)
	if err := v.Err(); err != nil {
		return TagConfig{}, err
	}
	var out TagConfig
	err := s.db.InTx(ctx, func(tx pgx.Tx) error {
		c, ts, err := lockedTagConfig(ctx, tx, actor.WorkspaceID)
		if err != nil {
			return err
		}
		for _, t := range tags {
			for _, m := range c.Managed {
				if strings.EqualFold(t, m) {
					return validate.Field("excluded", fmt.Sprintf(
						"tag %q is managed by this workspace: a tag cannot be both managed and excluded", t))
				}
			}
		}
		owners := tagOwners(c, "excluded", 0)
		for _, t := range tags {
			if o, ok := owners[strings.ToLower(t)]; ok {
				return validate.Field("excluded", fmt.Sprintf("tag %q is already the name of %s", t, o))
			}
		}
		old := ts.Excluded
		ts.Excluded = tags
		if err := store.PutTagSettings(ctx, tx, actor.WorkspaceID, ts); err != nil {
			return err
		}
		c.Excluded = tags
		out = c
		if slices.Equal(old, tags) {
			return nil
		}
		return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "tags.excluded.update", "",
			map[string]any{"excluded": [][]string{old, tags}})
	})
	return out, err
}

// SetSystemTagNames renames system tags (editors): names maps keys to names;
// keys left out take their default name.
func (s *Service) SetSystemTagNames(ctx context.Context, actor account.Actor, names map[string]string) (TagConfig, error) {
	if err := actor.Require(account.RoleEditor); err != nil {
		return TagConfig{}, err
	}
	v := validate.Errors{}
	clean := map[string]string{}
	for k, n := range names {
		n = strings.TrimSpace(n)
		switch {
		case !slices.Contains(SystemTagKeys, k):
			v.Add("names."+k, "is not a system tag: use "+strings.Join(SystemTagKeys, ", "))
		case n == "" || utf8.RuneCountInString(n) > 100:
			v.Add("names."+k, "must be 1–100 characters")
		case n != DefaultSystemTagName(k):
			clean[k] = n
		}
	}
	if err := v.Err(); err != nil {
		return TagConfig{}, err
	}
	var out TagConfig
	err := s.db.InTx(ctx, func(tx pgx.Tx) error {
		c, ts, err := lockedTagConfig(ctx, tx, actor.WorkspaceID)
		if err != nil {
			return err
		}
		old := systemTags(ts)
		ts.System = clean
		c.System = systemTags(ts)
		owners := tagOwners(c, "system", 0)
		seen := map[string]string{}
		for _, t := range c.System {
			k := strings.ToLower(t.Name)
			if other, ok := seen[k]; ok {
				return validate.Field("names."+t.Key, fmt.Sprintf("%q is already the name of system tag %s", t.Name, other))
			}
			seen[k] = t.Key
			if o, ok := owners[k]; ok {
				return validate.Field("names."+t.Key, fmt.Sprintf("%q is already the name of %s", t.Name, o))
			}
		}
		if err := store.PutTagSettings(ctx, tx, actor.WorkspaceID, ts); err != nil {
			return err
		}
		out = c
		diff := map[string]any{}
		for i, t := range c.System {
			if old[i].Name != t.Name {
				diff[t.Key] = []string{old[i].Name, t.Name}
			}
		}
		if len(diff) == 0 {
			return nil
		}
		return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "tags.system.update", "", diff)
	})
	return out, err
}

func applySmartTag(t *store.SmartTag, in SmartTagInput, v validate.Errors) {
	if in.Name != nil {
		t.Name = strings.TrimSpace(*in.Name)
		v.Length("name", t.Name, 1, 100)
	}
	if in.Description != nil {
		t.Description = strings.TrimSpace(*in.Description)
		v.Length("description", t.Description, 0, 1000)
	}
	if in.Instructions != nil {
		t.Instructions = strings.TrimSpace(*in.Instructions)
		v.Length("instructions", t.Instructions, 0, 2000)
	}
	if in.PostAction != nil {
		t.PostAction = *in.PostAction
		v.OneOf("post_action", t.PostAction, PostActions...)
	}
}

// SmartTags lists a workspace's smart tags.
func (s *Service) SmartTags(ctx context.Context, actor account.Actor) ([]store.SmartTag, error) {
	return store.SmartTags(ctx, s.db.Pool, actor.WorkspaceID)
}

// SaveSmartTag creates (id 0) or updates a smart tag (editors); its name may
// not be used by another excluded, system or smart tag.
func (s *Service) SaveSmartTag(ctx context.Context, actor account.Actor, id int64, in SmartTagInput) (store.SmartTag, error) {
	if err := actor.Require(account.RoleEditor); err != nil {
		return store.SmartTag{}, err
	}
	var out store.SmartTag
	err := s.db.InTx(ctx, func(tx pgx.Tx) error {
		c, _, err := lockedTagConfig(ctx, tx, actor.WorkspaceID)
		if err != nil {
			return err
		}
		t := store.SmartTag{WorkspaceID: actor.WorkspaceID, PostAction: "none"}
		if id != 0 {
			if t, err = store.SmartTagByID(ctx, tx, actor.WorkspaceID, id); err != nil {
				return err
			}
		}
		v := validate.Errors{}
		if id == 0 && in.Name == nil {
			v.Add("name", "is required")
		}
		applySmartTag(&t, in, v)
		if err := v.Err(); err != nil {
			return err
		}
		if o, ok := tagOwners(c, "", id)[strings.ToLower(t.Name)]; ok {
			return validate.Field("name", fmt.Sprintf("%q is already the name of %s", t.Name, o))
		}
		action := "smart_tag.create"
		if id == 0 {
			if err := store.CheckLimit(ctx, tx, store.LimitSmartTags, actor.WorkspaceID, 1); err != nil {
				return err
			}
			out, err = store.CreateSmartTag(ctx, tx, t)
		} else {
			action = "smart_tag.update"
			out, err = store.UpdateSmartTag(ctx, tx, t)
		}
		if err != nil {
			return err
		}
		return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), action, out.Name,
			map[string]any{"id": out.ID, "post_action": out.PostAction})
	})
	return out, err
}

// DeleteSmartTag removes a smart tag (editors).
func (s *Service) DeleteSmartTag(ctx context.Context, actor account.Actor, id int64) error {
	if err := actor.Require(account.RoleEditor); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx pgx.Tx) error {
		t, err := store.SmartTagByID(ctx, tx, actor.WorkspaceID, id)
		if err != nil {
			return err
		}
		if err := store.DeleteSmartTag(ctx, tx, actor.WorkspaceID, id); err != nil {
			return err
		}
		return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "smart_tag.delete", t.Name, map[string]any{"id": id})
	})
}
