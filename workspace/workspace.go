// Package workspace holds the rules for workspaces: creating and changing
// them (including the Gorgias tag-set rule), their Gorgias connection and model
// settings with encrypted secrets, and the audit trail of those changes.
package workspace

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/internal/netguard"
	"github.com/deskmate/deskmate/internal/secret"
	"github.com/deskmate/deskmate/internal/validate"
	"github.com/deskmate/deskmate/store"
)

// Limits on workspace fields.
const (
	MaxTags   = 50
	MaxTagLen = 100
)

var (
	slugRe   = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
	domainRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
)

// Service implements workspace rules on a database.
type Service struct {
	db         *store.DB
	box        *secret.Box
	modelGuard *netguard.Guard
}

// Options are what a Service needs.
type Options struct {
	DB *store.DB
	// Box encrypts and decrypts the workspace's credentials.
	Box *secret.Box
	// ModelGuard, when set, checks a model provider's URL on save, so that
	// an address Deskmate would refuse to call is refused at once, with the
	// reason, rather than failing every background job later. It is the
	// guard of model providers (DESKMATE_MODEL_ALLOWLIST), the one the
	// knowledge service calls them through, not the web sources' guard.
	ModelGuard *netguard.Guard
}

// New returns a Service.
func New(o Options) (*Service, error) {
	if o.DB == nil || o.Box == nil {
		return nil, errors.New("workspace: DB and Box are required")
	}
	return &Service{db: o.DB, box: o.Box, modelGuard: o.ModelGuard}, nil
}

// Input is a workspace create or update; nil fields are left as they are.
type Input struct {
	Slug          string
	Name          *string
	GorgiasDomain *string
	ManagedTags   *[]string
}

// Create makes a workspace (instance owners only); the creator becomes its owner.
func (s *Service) Create(ctx context.Context, p account.Principal, in Input) (store.Workspace, error) {
	if !p.InstanceOwner() {
		return store.Workspace{}, account.ErrForbidden
	}
	w := store.Workspace{Slug: strings.TrimSpace(in.Slug), ManagedTags: []string{}}
	v := validate.Errors{}
	if !slugRe.MatchString(w.Slug) {
		v.Add("slug", "must be 1–63 characters of a-z, 0-9 and -, starting with a letter or digit")
	}
	if in.Name == nil {
		v.Add("name", "is required")
	}
	apply(&w, in, v)
	if err := v.Err(); err != nil {
		return store.Workspace{}, err
	}
	var out store.Workspace
	err := s.db.InTx(ctx, func(tx pgx.Tx) error {
		if err := checkTagSets(ctx, tx, p, w); err != nil {
			return err
		}
		var err error
		out, err = store.CreateWorkspace(ctx, tx, w)
		var ce *store.ConflictError
		if errors.As(err, &ce) {
			return validate.Field("slug", "is already used by another workspace")
		}
		if err != nil {
			return err
		}
		if err := store.AddMember(ctx, tx, out.ID, p.User.ID, string(account.RoleOwner)); err != nil {
			return err
		}
		return store.Audit(ctx, tx, &out.ID, p.Actor(), "workspace.create", out.Slug, map[string]any{
			"name": out.Name, "gorgias_domain": out.GorgiasDomain, "managed_tags": out.ManagedTags})
	})
	return out, err
}

// Update changes name, Gorgias domain or managed tags (admins).
func (s *Service) Update(ctx context.Context, actor account.Actor, in Input) (store.Workspace, error) {
	if err := actor.Require(account.RoleAdmin); err != nil {
		return store.Workspace{}, err
	}
	var out store.Workspace
	err := s.db.InTx(ctx, func(tx pgx.Tx) error {
		old, err := store.WorkspaceByID(ctx, tx, actor.WorkspaceID)
		if err != nil {
			return err
		}
		w := old
		v := validate.Errors{}
		apply(&w, in, v)
		if err := v.Err(); err != nil {
			return err
		}
		if err := checkTagSets(ctx, tx, actor.Principal, w); err != nil {
			return err
		}
		if in.ManagedTags != nil {
			if err := checkNotExcluded(ctx, tx, w); err != nil {
				return err
			}
		}
		if out, err = store.UpdateWorkspace(ctx, tx, w); err != nil {
			return err
		}
		diff := map[string]any{}
		if old.Name != out.Name {
			diff["name"] = []string{old.Name, out.Name}
		}
		if old.GorgiasDomain != out.GorgiasDomain {
			diff["gorgias_domain"] = []string{old.GorgiasDomain, out.GorgiasDomain}
		}
		if !slices.Equal(old.ManagedTags, out.ManagedTags) {
			diff["managed_tags"] = [][]string{old.ManagedTags, out.ManagedTags}
		}
		if len(diff) == 0 {
			return nil
		}
		return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "workspace.update", out.Slug, diff)
	})
	return out, err
}

// Delete removes a workspace and all its data (owners).
func (s *Service) Delete(ctx context.Context, actor account.Actor) error {
	if err := actor.Require(account.RoleOwner); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx pgx.Tx) error {
		w, err := store.WorkspaceByID(ctx, tx, actor.WorkspaceID)
		if err != nil {
			return err
		}
		if err := store.DeleteWorkspace(ctx, tx, actor.WorkspaceID); err != nil {
			return err
		}
		// Instance-level entry: the workspace's own log goes with it.
		return store.Audit(ctx, tx, nil, actor.Audit(), "workspace.delete", w.Slug, map[string]any{"name": w.Name})
	})
}

// apply validates and copies the set fields of in onto w.
func apply(w *store.Workspace, in Input, v validate.Errors) {
	if in.Name != nil {
		w.Name = strings.TrimSpace(*in.Name)
		v.Length("name", w.Name, 1, 200)
	}
	if in.GorgiasDomain != nil {
		d, err := NormalizeDomain(*in.GorgiasDomain)
		if err != nil {
			v.Add("gorgias_domain", err.Error())
		}
		w.GorgiasDomain = d
	}
	if in.ManagedTags != nil {
		tags, msg := normalizeTags(*in.ManagedTags)
		if msg != "" {
			v.Add("managed_tags", msg)
		}
		w.ManagedTags = tags
	}
}

// NormalizeDomain accepts "acme", "acme.gorgias.com" or "https://acme.gorgias.com/"
// and returns the account subdomain "acme" ("" stays "").
func NormalizeDomain(s string) (string, error) {
	d := strings.ToLower(strings.TrimSpace(s))
	d = strings.TrimPrefix(strings.TrimPrefix(d, "https://"), "http://")
	d = strings.TrimSuffix(d, "/")
	d = strings.TrimSuffix(d, ".gorgias.com")
	if d == "" {
		return "", nil
	}
	if !domainRe.MatchString(d) {
		return "", fmt.Errorf("must be your Gorgias subdomain, e.g. acme for acme.gorgias.com")
	}
	return d, nil
}

func normalizeTags(in []string) ([]string, string) {
	if len(in) > MaxTags {
		return nil, fmt.Sprintf("at most %d tags", MaxTags)
	}
	out := make([]string, 0, len(in))
	seen := map[string]bool{}
	for _, t := range in {
		t = strings.TrimSpace(t)
		if t == "" || len([]rune(t)) > MaxTagLen {
			return nil, fmt.Sprintf("each tag must be 1–%d characters", MaxTagLen)
		}
		if seen[strings.ToLower(t)] {
			continue
		}
		seen[strings.ToLower(t)] = true
		out = append(out, t)
	}
	return out, ""
}

// checkTagSets enforces that workspaces on one Gorgias account split its
// tickets cleanly: each has a non-empty tag set, and no tag is in two sets.
// The refusal names the other workspace and its tags only to a caller who
// may open it: to anyone else it says that there is one, and no more.
func checkTagSets(ctx context.Context, tx pgx.Tx, p account.Principal, w store.Workspace) error {
	if w.GorgiasDomain == "" {
		return nil
	}
	if err := store.LockWorkspacesForDomain(ctx, tx, w.GorgiasDomain); err != nil {
		return err
	}
	others, err := store.WorkspacesOnDomain(ctx, tx, w.GorgiasDomain, w.ID)
	if err != nil || len(others) == 0 {
		return err
	}
	mine := map[string]string{}
	for _, t := range w.ManagedTags {
		mine[strings.ToLower(t)] = t
	}
	for _, o := range others {
		overlap := ""
		switch {
		case len(w.ManagedTags) == 0 || len(o.ManagedTags) == 0:
		default:
			for _, t := range o.ManagedTags {
				if orig, ok := mine[strings.ToLower(t)]; ok {
					overlap = orig
					break
				}
			}
			if overlap == "" {
				continue
			}
		}
		visible, err := canSee(ctx, tx, p, o.ID)
		if err != nil {
			return err
		}
		acct := w.GorgiasDomain + ".gorgias.com"
		switch {
		case !visible:
			return validate.Field("managed_tags", fmt.Sprintf(
				"another workspace on %s already handles some of these tickets: give this workspace tags that no other workspace on that account manages", acct))
		case len(w.ManagedTags) == 0:
			return validate.Field("managed_tags", fmt.Sprintf(
				"workspace %q is also connected to %s: give this workspace the tags of the tickets it handles, different from theirs", o.Name, acct))
		case len(o.ManagedTags) == 0:
			return validate.Field("managed_tags", fmt.Sprintf(
				"workspace %q handles every ticket of %s (it has no tags): give it tags first", o.Name, acct))
		default:
			return validate.Field("managed_tags", fmt.Sprintf(
				"tag %q is already managed by workspace %q on the same Gorgias account", overlap, o.Name))
		}
	}
	return nil
}

// canSee reports whether p may open workspace id: its members, the instance
// owner, and a token of that workspace.
func canSee(ctx context.Context, q store.Querier, p account.Principal, id int64) (bool, error) {
	if p.Token != nil {
		return p.Token.WorkspaceID == id, nil
	}
	if p.User.InstanceOwner() {
		return true, nil
	}
	_, err := store.MemberRole(ctx, q, id, p.User.ID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// Get returns the actor's workspace.
func (s *Service) Get(ctx context.Context, actor account.Actor) (store.Workspace, error) {
	return store.WorkspaceByID(ctx, s.db.Pool, actor.WorkspaceID)
}

// AuditLog returns the workspace's audit entries before an id (0: the
// newest), newest first (admins).
func (s *Service) AuditLog(ctx context.Context, actor account.Actor, before int64, limit int) ([]store.AuditEntry, error) {
	if err := actor.Require(account.RoleAdmin); err != nil {
		return nil, err
	}
	return store.AuditLog(ctx, s.db.Pool, actor.WorkspaceID, before, limit)
}
