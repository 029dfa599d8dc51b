package account

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/deskmate/deskmate/internal/validate"
	"github.com/deskmate/deskmate/store"
)

// InvitationTTL is how long an invitation link works.
const InvitationTTL = 7 * 24 * time.Hour

// ErrForbidden means the caller's role does not allow the action.
var ErrForbidden = errors.New("your role in this workspace does not allow this")

// ErrLastOwner protects a workspace from losing its last owner.
var ErrLastOwner = errors.New("a workspace needs at least one owner")

// grantable checks that actor (with role mine) may hand out role r: nobody
// grants more than they have, and only owners grant or take away ownership.
func grantable(mine Role, r Role) error {
	if !r.Valid() {
		return validate.Field("role", "must be one of "+strings.Join(Roles, ", "))
	}
	if !mine.AtLeast(r) {
		return ErrForbidden
	}
	return nil
}

// NewMember is input for adding a member.
type NewMember struct {
	Email, Name, Password string
	Role                  Role
}

// Added is what AddMember did: added a member, or (when the person's consent
// is needed) created an invitation whose Token is shown once.
type Added struct {
	Member     *store.Member
	Invitation *store.Invitation
	Token      string
}

// AddMember puts someone in a workspace. Accounts are created directly only
// by the instance owner (with a password they pass on); a person who already
// has an account, or whom anyone else adds, gets an invitation instead, so
// nobody joins a workspace or gets an account without accepting it.
func (s *Service) AddMember(ctx context.Context, actor Actor, in NewMember) (Added, error) {
	if err := actor.Require(RoleAdmin); err != nil {
		return Added{}, err
	}
	in.Email = normEmail(in.Email)
	v := validate.Errors{}
	v.Email("email", in.Email)
	v.OneOf("role", string(in.Role), Roles...)
	if err := v.Err(); err != nil {
		return Added{}, err
	}
	if err := grantable(actor.Role, in.Role); err != nil {
		return Added{}, err
	}
	_, err := store.UserByEmail(ctx, s.db.Pool, in.Email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return Added{}, err
	}
	if err == nil || actor.Token != nil || !actor.User.InstanceOwner() {
		inv, token, err := s.Invite(ctx, actor, in.Email, in.Role)
		if err != nil {
			return Added{}, err
		}
		return Added{Invitation: &inv, Token: token}, nil
	}
	if err := checkNewUser(in.Email, in.Name, in.Password); err != nil {
		return Added{}, err
	}
	hash, err := HashPassword(ctx, in.Password)
	if err != nil {
		return Added{}, err
	}
	var out store.Member
	err = s.db.InTx(ctx, func(tx pgx.Tx) error {
		u, err := store.CreateUser(ctx, tx, in.Email, strings.TrimSpace(in.Name), hash, "member")
		if err != nil {
			var ce *store.ConflictError
			if errors.As(err, &ce) {
				return validate.Field("email", in.Email+" has just been given an account: add them again to invite them")
			}
			return err
		}
		if err := store.AddMember(ctx, tx, actor.WorkspaceID, u.ID, string(in.Role)); err != nil {
			return err
		}
		out = store.Member{UserID: u.ID, Email: u.Email, Name: u.Name, Role: string(in.Role)}
		return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "member.add", u.Email,
			map[string]any{"role": in.Role, "new_user": true})
	})
	if err != nil {
		return Added{}, err
	}
	return Added{Member: &out}, nil
}

// SetMemberRole changes a member's role, keeping at least one owner.
func (s *Service) SetMemberRole(ctx context.Context, actor Actor, userID int64, role Role) (store.Member, error) {
	if err := actor.Require(RoleAdmin); err != nil {
		return store.Member{}, err
	}
	if err := grantable(actor.Role, role); err != nil {
		return store.Member{}, err
	}
	var out store.Member
	err := s.db.InTx(ctx, func(tx pgx.Tx) error {
		m, err := store.MemberOf(ctx, tx, actor.WorkspaceID, userID)
		if err != nil {
			return err
		}
		if Role(m.Role) == RoleOwner && actor.Role != RoleOwner {
			return ErrForbidden
		}
		if Role(m.Role) == RoleOwner && role != RoleOwner {
			if n, err := store.CountOwners(ctx, tx, actor.WorkspaceID); err != nil {
				return err
			} else if n <= 1 {
				return ErrLastOwner
			}
		}
		if err := store.SetMemberRole(ctx, tx, actor.WorkspaceID, userID, string(role)); err != nil {
			return err
		}
		out = m
		out.Role = string(role)
		return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "member.update", m.Email,
			map[string]any{"role": []string{m.Role, string(role)}})
	})
	return out, err
}

// RemoveMember takes a user out of a workspace, keeping at least one owner.
func (s *Service) RemoveMember(ctx context.Context, actor Actor, userID int64) error {
	if err := actor.Require(RoleAdmin); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx pgx.Tx) error {
		m, err := store.MemberOf(ctx, tx, actor.WorkspaceID, userID)
		if err != nil {
			return err
		}
		if Role(m.Role) == RoleOwner {
			if actor.Role != RoleOwner {
				return ErrForbidden
			}
			if n, err := store.CountOwners(ctx, tx, actor.WorkspaceID); err != nil {
				return err
			} else if n <= 1 {
				return ErrLastOwner
			}
		}
		if err := store.RemoveMember(ctx, tx, actor.WorkspaceID, userID); err != nil {
			return err
		}
		return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "member.remove", m.Email, map[string]any{"role": m.Role})
	})
}

// Invite creates an invitation; the returned token is shown once.
func (s *Service) Invite(ctx context.Context, actor Actor, email string, role Role) (store.Invitation, string, error) {
	if err := actor.Require(RoleAdmin); err != nil {
		return store.Invitation{}, "", err
	}
	email = normEmail(email)
	v := validate.Errors{}
	v.Email("email", email)
	v.OneOf("role", string(role), Roles...)
	if err := v.Err(); err != nil {
		return store.Invitation{}, "", err
	}
	if err := grantable(actor.Role, role); err != nil {
		return store.Invitation{}, "", err
	}
	token, hash := newSecretToken("")
	var out store.Invitation
	err := s.db.InTx(ctx, func(tx pgx.Tx) error {
		if u, err := store.UserByEmail(ctx, tx, email); err == nil {
			if _, err := store.MemberRole(ctx, tx, actor.WorkspaceID, u.ID); err == nil {
				return validate.Field("email", email+" is already a member of this workspace")
			}
		}
		var creator int64
		if actor.Token == nil {
			creator = actor.User.ID
		}
		var err error
		out, err = store.CreateInvitation(ctx, tx, store.Invitation{WorkspaceID: actor.WorkspaceID, Email: email, Role: string(role),
			ExpiresAt: s.now().Add(InvitationTTL)}, hash, creator)
		if err != nil {
			return err
		}
		return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "invitation.create", email, map[string]any{"role": role})
	})
	return out, token, err
}

// InvitationInfo describes a pending invitation to the person holding its token.
type InvitationInfo struct {
	store.Invitation
	ExistingUser bool
}

// LookupInvitation returns a pending invitation by token, or store.ErrNotFound.
func (s *Service) LookupInvitation(ctx context.Context, token string) (InvitationInfo, error) {
	if token == "" || len(token) > 100 {
		return InvitationInfo{}, store.ErrNotFound
	}
	inv, err := store.PendingInvitation(ctx, s.db.Pool, HashToken(token))
	if err != nil {
		return InvitationInfo{}, err
	}
	_, uerr := store.UserByEmail(ctx, s.db.Pool, inv.Email)
	return InvitationInfo{Invitation: inv, ExistingUser: uerr == nil}, nil
}

// AcceptInvitation joins the workspace (creating the user, or proving an
// existing user's password, throttled like a sign-in) and signs in.
func (s *Service) AcceptInvitation(ctx context.Context, token, name, password string, c Client) (SignedIn, error) {
	if token == "" || len(token) > 100 || len(password) > MaxPasswordLen {
		return SignedIn{}, store.ErrNotFound
	}
	inv, err := store.PendingInvitation(ctx, s.db.Pool, HashToken(token))
	if err != nil {
		return SignedIn{}, err
	}
	// The password is checked before the transaction: a wrong guess must
	// stay counted, and argon2 must not run while a transaction is open.
	var newHash string
	existing, err := store.UserByEmail(ctx, s.db.Pool, inv.Email)
	switch {
	case errors.Is(err, store.ErrNotFound):
		if err := checkNewUser(inv.Email, name, password); err != nil {
			return SignedIn{}, err
		}
		if newHash, err = HashPassword(ctx, password); err != nil {
			return SignedIn{}, err
		}
	case err != nil:
		return SignedIn{}, err
	default:
		ok, err := s.checkPassword(ctx, inv.Email, c.IP, existing.PasswordHash, password)
		if err != nil {
			return SignedIn{}, err
		}
		if !ok {
			return SignedIn{}, validate.Field("password", "is not the password of "+inv.Email)
		}
	}
	var out SignedIn
	err = s.db.InTx(ctx, func(tx pgx.Tx) error {
		// Still pending (not accepted or revoked meanwhile)?
		again, err := store.PendingInvitation(ctx, tx, HashToken(token))
		if err != nil {
			return err
		}
		if again.ID != inv.ID {
			return store.ErrNotFound
		}
		u, err := store.UserByEmail(ctx, tx, inv.Email)
		switch {
		case errors.Is(err, store.ErrNotFound) && newHash != "":
			if u, err = store.CreateUser(ctx, tx, inv.Email, strings.TrimSpace(name), newHash, "member"); err != nil {
				return err
			}
		case err != nil:
			return err
		case newHash != "" || u.ID != existing.ID:
			// The account appeared (or changed) since the password was checked.
			return validate.Field("password", "the account of "+inv.Email+" changed meanwhile: open the invitation again")
		}
		if err := store.AcceptInvitation(ctx, tx, inv.ID, u.ID); err != nil {
			return err
		}
		if err := store.AddMember(ctx, tx, inv.WorkspaceID, u.ID, inv.Role); err != nil {
			var ce *store.ConflictError
			if !errors.As(err, &ce) {
				return err
			}
		}
		if err := store.Audit(ctx, tx, &inv.WorkspaceID, store.Actor{Kind: "user", ID: u.ID, Label: u.Email},
			"invitation.accept", u.Email, map[string]any{"role": inv.Role}); err != nil {
			return err
		}
		out, err = s.startSession(ctx, tx, u, c)
		return err
	})
	return out, err
}

// RevokeInvitation deletes a pending invitation.
func (s *Service) RevokeInvitation(ctx context.Context, actor Actor, id int64) error {
	if err := actor.Require(RoleAdmin); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx pgx.Tx) error {
		inv, err := store.DeleteInvitation(ctx, tx, actor.WorkspaceID, id)
		if err != nil {
			return err
		}
		return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "invitation.revoke", inv.Email, nil)
	})
}

// CreateToken issues an API token for a workspace; the token text is shown once.
func (s *Service) CreateToken(ctx context.Context, actor Actor, name string, role Role) (store.APIToken, string, error) {
	if err := actor.Require(RoleAdmin); err != nil {
		return store.APIToken{}, "", err
	}
	name = strings.TrimSpace(name)
	v := validate.Errors{}
	v.Length("name", name, 1, 100)
	v.OneOf("role", string(role), Roles...)
	if err := v.Err(); err != nil {
		return store.APIToken{}, "", err
	}
	if err := grantable(actor.Role, role); err != nil {
		return store.APIToken{}, "", err
	}
	token, hash := newSecretToken(APITokenPrefix)
	var out store.APIToken
	err := s.db.InTx(ctx, func(tx pgx.Tx) error {
		var creator int64
		if actor.Token == nil {
			creator = actor.User.ID
		}
		var err error
		out, err = store.CreateAPIToken(ctx, tx, store.APIToken{WorkspaceID: actor.WorkspaceID, Name: name, Role: string(role),
			Prefix: token[:len(APITokenPrefix)+6]}, hash, creator)
		if err != nil {
			return err
		}
		return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "token.create", name, map[string]any{"role": role, "prefix": out.Prefix})
	})
	return out, token, err
}

// RevokeToken revokes an API token of a workspace.
func (s *Service) RevokeToken(ctx context.Context, actor Actor, id int64) error {
	if err := actor.Require(RoleAdmin); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx pgx.Tx) error {
		t, err := store.RevokeAPIToken(ctx, tx, actor.WorkspaceID, id)
		if err != nil {
			return err
		}
		return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "token.revoke", t.Name, map[string]any{"role": t.Role})
	})
}

// Describe is used in messages.
func (r Role) String() string { return fmt.Sprint(string(r)) }

// Members lists the workspace's members (any member may see them).
func (s *Service) Members(ctx context.Context, actor Actor) ([]store.Member, error) {
	return store.Members(ctx, s.db.Pool, actor.WorkspaceID)
}

// Invitations lists the workspace's pending invitations (admins).
func (s *Service) Invitations(ctx context.Context, actor Actor) ([]store.Invitation, error) {
	if err := actor.Require(RoleAdmin); err != nil {
		return nil, err
	}
	return store.PendingInvitations(ctx, s.db.Pool, actor.WorkspaceID)
}

// Tokens lists the workspace's API tokens (admins).
func (s *Service) Tokens(ctx context.Context, actor Actor) ([]store.APIToken, error) {
	if err := actor.Require(RoleAdmin); err != nil {
		return nil, err
	}
	return store.APITokens(ctx, s.db.Pool, actor.WorkspaceID)
}
