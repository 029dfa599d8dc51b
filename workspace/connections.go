package workspace

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/internal/netguard"
	"github.com/deskmate/deskmate/internal/secret"
	"github.com/deskmate/deskmate/internal/validate"
	"github.com/deskmate/deskmate/store"
)

// Names of the encrypted secrets a workspace holds.
const (
	SecretGorgiasAPIKey       = "gorgias.api_key"
	SecretLLMAPIKey           = "llm.api_key"
	SecretGorgiasWebhook      = "gorgias.webhook_secret"
	SecretGorgiasAccessToken  = "gorgias.oauth_access_token"
	SecretGorgiasRefreshToken = "gorgias.oauth_refresh_token"
)

const maxSecretLen = 4096

// Gorgias is a workspace's Gorgias connection as shown to admins: the key only as a hint.
type Gorgias struct {
	Domain     string
	APIUser    string
	APIKeySet  bool
	APIKeyHint string
}

// GorgiasInput changes the connection; a nil APIKey keeps the stored one,
// unless the domain changes: then the stored key is deleted.
type GorgiasInput struct {
	Domain  string
	APIUser string
	APIKey  *string
}

type gorgiasSetting struct {
	APIUser string `json:"api_user"`
}

// Gorgias returns the connection of a workspace.
func (s *Service) Gorgias(ctx context.Context, id int64) (Gorgias, error) {
	w, err := store.WorkspaceByID(ctx, s.db.Pool, id)
	if err != nil {
		return Gorgias{}, err
	}
	var set gorgiasSetting
	if err := store.WorkspaceSetting(ctx, s.db.Pool, id, "gorgias", &set); err != nil && !errors.Is(err, store.ErrNotFound) {
		return Gorgias{}, err
	}
	hint, err := store.SecretHint(ctx, s.db.Pool, id, SecretGorgiasAPIKey)
	return Gorgias{Domain: w.GorgiasDomain, APIUser: set.APIUser, APIKeySet: hint != "", APIKeyHint: hint}, err
}

// PutGorgias saves the connection (admins); the domain is the workspace's.
func (s *Service) PutGorgias(ctx context.Context, actor account.Actor, in GorgiasInput) (Gorgias, error) {
	if err := actor.Require(account.RoleAdmin); err != nil {
		return Gorgias{}, err
	}
	v := validate.Errors{}
	domain, derr := NormalizeDomain(in.Domain)
	if derr != nil {
		v.Add("domain", derr.Error())
	}
	apiUser := strings.TrimSpace(in.APIUser)
	if apiUser != "" {
		v.Email("api_user", apiUser)
	}
	if in.APIKey != nil {
		v.Length("api_key", *in.APIKey, 0, maxSecretLen)
	}
	if err := v.Err(); err != nil {
		return Gorgias{}, err
	}
	err := s.db.InTx(ctx, func(tx pgx.Tx) error {
		w, err := store.WorkspaceByID(ctx, tx, actor.WorkspaceID)
		if err != nil {
			return err
		}
		diff := map[string]any{}
		if w.GorgiasDomain != domain {
			diff["domain"] = []string{w.GorgiasDomain, domain}
			w.GorgiasDomain = domain
			if err := checkTagSets(ctx, tx, actor.Principal, w); err != nil {
				var ve *validate.Error
				if errors.As(err, &ve) {
					return validate.Field("domain", ve.Fields["managed_tags"])
				}
				return err
			}
			if _, err := store.UpdateWorkspace(ctx, tx, w); err != nil {
				return err
			}
		}
		var old gorgiasSetting
		if err := store.WorkspaceSetting(ctx, tx, actor.WorkspaceID, "gorgias", &old); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if old.APIUser != apiUser {
			diff["api_user"] = []string{old.APIUser, apiUser}
		}
		if err := store.PutWorkspaceSetting(ctx, tx, actor.WorkspaceID, "gorgias", gorgiasSetting{APIUser: apiUser}); err != nil {
			return err
		}
		switch {
		case in.APIKey != nil:
			if err := s.putSecret(ctx, tx, actor.WorkspaceID, SecretGorgiasAPIKey, *in.APIKey); err != nil {
				return err
			}
			diff["api_key"] = "changed"
		case diff["domain"] != nil:
			// The stored key belongs to the other account.
			if cleared, err := s.clearSecret(ctx, tx, actor.WorkspaceID, SecretGorgiasAPIKey); err != nil {
				return err
			} else if cleared {
				diff["api_key"] = "cleared (domain changed)"
			}
		}
		if len(diff) == 0 {
			return nil
		}
		return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "gorgias.update", w.Slug, diff)
	})
	if err != nil {
		return Gorgias{}, err
	}
	return s.Gorgias(ctx, actor.WorkspaceID)
}

// Providers Deskmate can use for chat and embeddings.
var Providers = []string{"builtin", "ollama", "openai"}

// ModelSettings is a workspace's AI provider configuration as shown to users.
type ModelSettings struct {
	Provider       string `json:"provider"`
	BaseURL        string `json:"base_url"`
	ChatModel      string `json:"chat_model"`
	EmbeddingModel string `json:"embedding_model"`
	APIKeySet      bool   `json:"-"`
	APIKeyHint     string `json:"-"`
}

// ModelInput changes the model settings; a nil APIKey keeps the stored one,
// unless the provider or base URL changes: then the stored key is deleted.
type ModelInput struct {
	ModelSettings
	APIKey *string
}

// DefaultModelSettings are used until an admin saves others: fully offline.
var DefaultModelSettings = ModelSettings{Provider: "builtin"}

// ModelSettings returns a workspace's model settings.
func (s *Service) ModelSettings(ctx context.Context, id int64) (ModelSettings, error) {
	if _, err := store.WorkspaceByID(ctx, s.db.Pool, id); err != nil {
		return ModelSettings{}, err
	}
	m := DefaultModelSettings
	if err := store.WorkspaceSetting(ctx, s.db.Pool, id, "model", &m); err != nil && !errors.Is(err, store.ErrNotFound) {
		return ModelSettings{}, err
	}
	hint, err := store.SecretHint(ctx, s.db.Pool, id, SecretLLMAPIKey)
	m.APIKeySet, m.APIKeyHint = hint != "", hint
	return m, err
}

// PutModelSettings saves the model settings (admins).
func (s *Service) PutModelSettings(ctx context.Context, actor account.Actor, in ModelInput) (ModelSettings, error) {
	if err := actor.Require(account.RoleAdmin); err != nil {
		return ModelSettings{}, err
	}
	m, err := s.checkModelSettings(ctx, in)
	if err != nil {
		return ModelSettings{}, err
	}
	err = s.db.InTx(ctx, func(tx pgx.Tx) error {
		return s.saveModelSettings(ctx, tx, actor, m, in.APIKey)
	})
	if err != nil {
		return ModelSettings{}, err
	}
	return s.ModelSettings(ctx, actor.WorkspaceID)
}

// checkModelSettings validates the input and returns the settings to store:
// trimmed, with the base URL in the form that is checked and called.
func (s *Service) checkModelSettings(ctx context.Context, in ModelInput) (ModelSettings, error) {
	m := in.ModelSettings
	m.BaseURL = strings.TrimSpace(m.BaseURL)
	m.ChatModel = strings.TrimSpace(m.ChatModel)
	m.EmbeddingModel = strings.TrimSpace(m.EmbeddingModel)
	v := validate.Errors{}
	v.OneOf("provider", m.Provider, Providers...)
	v.Length("chat_model", m.ChatModel, 0, 200)
	v.Length("embedding_model", m.EmbeddingModel, 0, 200)
	if m.Provider != "builtin" {
		m.BaseURL = s.checkModelBaseURL(ctx, m.BaseURL, v)
		v.Length("chat_model", m.ChatModel, 1, 200)
	} else {
		m.BaseURL = ""
	}
	// Model names go into SQL (vector index conditions) and URLs: only the
	// characters real model names have.
	for field, name := range map[string]string{"chat_model": m.ChatModel, "embedding_model": m.EmbeddingModel} {
		if name != "" && !store.ValidModelName(name) {
			v.Add(field, "may hold only letters, digits and . _ : / @ + - (e.g. nomic-embed-text:latest)")
		}
	}
	if in.APIKey != nil {
		v.Length("api_key", *in.APIKey, 0, maxSecretLen)
	}
	if err := v.Err(); err != nil {
		return ModelSettings{}, err
	}
	return m, nil
}

// checkModelBaseURL adds to v what is wrong with a provider's base URL, and
// returns the URL to store: never the raw input, but the form that is
// checked and called.
func (s *Service) checkModelBaseURL(ctx context.Context, raw string, v validate.Errors) string {
	u, err := url.Parse(raw)
	if raw == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(u.String()) > 2048 {
		v.Add("base_url", "must be an http(s) URL such as http://127.0.0.1:11434")
		return raw
	}
	baseURL := u.String()
	if s.modelGuard != nil {
		// Only a refusal counts: a provider that does not resolve yet
		// may be started later.
		var be *netguard.BlockedError
		if cu, err := s.modelGuard.CheckURL(ctx, baseURL); errors.As(err, &be) {
			v.Add("base_url", be.Error())
		} else if err == nil {
			baseURL = cu.String()
		}
	}
	return baseURL
}

// saveModelSettings stores checked settings and the API key in tx. A key
// given for another provider or base URL is deleted rather than sent to the
// new one. Any change is audited.
func (s *Service) saveModelSettings(ctx context.Context, tx pgx.Tx, actor account.Actor, m ModelSettings, apiKey *string) error {
	old := DefaultModelSettings
	if err := store.WorkspaceSetting(ctx, tx, actor.WorkspaceID, "model", &old); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if err := store.PutWorkspaceSetting(ctx, tx, actor.WorkspaceID, "model", m); err != nil {
		return err
	}
	diff := modelSettingsDiff(old, m)
	switch {
	case apiKey != nil:
		if err := s.putSecret(ctx, tx, actor.WorkspaceID, SecretLLMAPIKey, *apiKey); err != nil {
			return err
		}
		diff["api_key"] = "changed"
	case old.Provider != m.Provider || old.BaseURL != m.BaseURL:
		// The stored key was given for another server: never send it
		// to the new one.
		if cleared, err := s.clearSecret(ctx, tx, actor.WorkspaceID, SecretLLMAPIKey); err != nil {
			return err
		} else if cleared {
			diff["api_key"] = "cleared (provider or base URL changed)"
		}
	}
	if len(diff) == 0 {
		return nil
	}
	w, err := store.WorkspaceByID(ctx, tx, actor.WorkspaceID)
	if err != nil {
		return err
	}
	return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "model_settings.update", w.Slug, diff)
}

// modelSettingsDiff is the audit entry's [old, new] of every changed field.
func modelSettingsDiff(old, m ModelSettings) map[string]any {
	diff := map[string]any{}
	for _, f := range [][3]string{{"provider", old.Provider, m.Provider}, {"base_url", old.BaseURL, m.BaseURL},
		{"chat_model", old.ChatModel, m.ChatModel}, {"embedding_model", old.EmbeddingModel, m.EmbeddingModel}} {
		if f[1] != f[2] {
			diff[f[0]] = []string{f[1], f[2]}
		}
	}
	return diff
}

// Secret decrypts a workspace secret for use by Deskmate itself (never for an
// API response); "" when it is not set.
func (s *Service) Secret(ctx context.Context, workspaceID int64, name string) (secret.Redacted, error) {
	row, err := store.GetSecret(ctx, s.db.Pool, workspaceID, name)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	plain, err := s.box.Open(row.Ciphertext, AAD(workspaceID, name))
	return secret.Redacted(plain), err
}

// clearSecret deletes a secret, reporting whether there was one.
func (s *Service) clearSecret(ctx context.Context, q store.Querier, workspaceID int64, name string) (bool, error) {
	hint, err := store.SecretHint(ctx, q, workspaceID, name)
	if err != nil || hint == "" {
		return false, err
	}
	return true, store.DeleteSecret(ctx, q, workspaceID, name)
}

// putSecret encrypts and stores a secret; an empty value deletes it.
func (s *Service) putSecret(ctx context.Context, q store.Querier, workspaceID int64, name, value string) error {
	if value == "" {
		return store.DeleteSecret(ctx, q, workspaceID, name)
	}
	ct, err := s.box.Seal(value, AAD(workspaceID, name))
	if err != nil {
		return err
	}
	return store.PutSecret(ctx, q, store.SecretRow{WorkspaceID: workspaceID, Name: name, Ciphertext: ct, Hint: secret.Hint(value)})
}

// AAD binds a ciphertext to its row, so it cannot be moved to another.
func AAD(workspaceID int64, name string) string {
	return fmt.Sprintf("workspace:%d/%s", workspaceID, name)
}

// StoreSecret encrypts and stores a secret Deskmate created for a workspace
// (the Gorgias webhook secret, OAuth tokens) in the caller's transaction; an
// empty value deletes it. Callers check the actor.
func (s *Service) StoreSecret(ctx context.Context, q store.Querier, workspaceID int64, name, value string) error {
	return s.putSecret(ctx, q, workspaceID, name, value)
}
