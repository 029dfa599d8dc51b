package gorgiastest

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// authCode is an authorization code waiting to be exchanged.
type authCode struct {
	domain, clientID, redirectURI, scope, nonce string
	userID                                      int64
	expires                                     time.Time
}

// refreshGrant is a refresh token and what it grants.
type refreshGrant struct {
	domain, clientID, scope string
	userID                  int64
	revoked                 bool
}

func (e *Emulator) oauthRoutes() http.Handler {
	m := http.NewServeMux()
	m.HandleFunc("GET /oauth/authorize", e.authorize)
	m.HandleFunc("POST /oauth/token", e.token)
	m.HandleFunc("POST /oauth/revoke", e.revoke)
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "not_found"})
	})
	return m
}

func oauthFail(w http.ResponseWriter, status int, code, description string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": description})
}

func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// authorize approves at once, as the account's admin, and sends the
// browser back to redirect_uri with code and state.
func (e *Emulator) authorize(w http.ResponseWriter, r *http.Request) {
	c := r.Context().Value(callKey{}).(*call)
	q := r.URL.Query()
	if q.Get("response_type") != "code" {
		oauthFail(w, http.StatusBadRequest, "unsupported_response_type", "response_type must be code")
		return
	}
	if q.Get("client_id") != e.opts.OAuthClientID {
		oauthFail(w, http.StatusBadRequest, "invalid_client", "unknown client_id")
		return
	}
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || !redirect.IsAbs() {
		oauthFail(w, http.StatusBadRequest, "invalid_request", "redirect_uri must be an absolute URL")
		return
	}
	e.mu.Lock()
	a := e.accounts[c.domain]
	if a == nil {
		e.mu.Unlock()
		oauthFail(w, http.StatusNotFound, "not_found", "unknown account")
		return
	}
	code := randomToken(16)
	e.codes[code] = &authCode{
		domain: c.domain, clientID: q.Get("client_id"), redirectURI: q.Get("redirect_uri"),
		scope: q.Get("scope"), nonce: q.Get("nonce"), userID: a.adminID, expires: time.Now().Add(10 * time.Minute),
	}
	e.mu.Unlock()
	back := redirect.Query()
	back.Set("code", code)
	if s := q.Get("state"); s != "" {
		back.Set("state", s)
	}
	redirect.RawQuery = back.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

// clientAuth reads the client's credentials from Basic auth (form-encoded
// id and secret) or from client_id / client_secret form fields.
func (e *Emulator) clientAuth(r *http.Request) bool {
	id, secret, ok := r.BasicAuth()
	if ok {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = r.PostFormValue("client_id"), r.PostFormValue("client_secret")
	}
	return id == e.opts.OAuthClientID && hmac.Equal([]byte(secret), []byte(e.opts.OAuthClientSecret))
}

// token exchanges a code or a refresh token. A refresh answer carries no
// refresh_token: the old one stays valid.
func (e *Emulator) token(w http.ResponseWriter, r *http.Request) {
	c := r.Context().Value(callKey{}).(*call)
	if !e.clientAuth(r) {
		oauthFail(w, http.StatusUnauthorized, "invalid_client", "client authentication failed")
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	var grant refreshGrant
	var nonce, refresh string
	switch r.PostFormValue("grant_type") {
	case "authorization_code":
		code, ok := e.codes[r.PostFormValue("code")]
		if !ok || code.domain != c.domain || time.Now().After(code.expires) || code.redirectURI != r.PostFormValue("redirect_uri") {
			oauthFail(w, http.StatusBadRequest, "invalid_grant", "the code is invalid, expired or for another redirect_uri")
			return
		}
		delete(e.codes, r.PostFormValue("code"))
		grant = refreshGrant{domain: code.domain, clientID: code.clientID, scope: code.scope, userID: code.userID}
		nonce = code.nonce
		if strings.Contains(" "+grant.scope+" ", " offline ") {
			refresh = randomToken(24)
			g := grant
			e.grants[refresh] = &g
		}
	case "refresh_token":
		g, ok := e.grants[r.PostFormValue("refresh_token")]
		if !ok || g.revoked || g.domain != c.domain {
			oauthFail(w, http.StatusBadRequest, "invalid_grant", "the refresh token is invalid or revoked")
			return
		}
		grant = *g
	default:
		oauthFail(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token")
		return
	}
	a := e.accounts[grant.domain]
	if a == nil {
		oauthFail(w, http.StatusBadRequest, "invalid_grant", "unknown account")
		return
	}
	iat := time.Now()
	exp := iat.Add(e.opts.AccessTokenTTL)
	access := e.signToken(map[string]any{
		"iss": issuer(grant.domain), "sub": strconv.FormatInt(grant.userID, 10), "aud": issuer(grant.domain) + "/api",
		"azp": grant.clientID, "scope": grant.scope, "iat": iat.Unix(), "exp": exp.Unix(), "jti": randomToken(8),
	})
	idClaims := map[string]any{"iss": issuer(grant.domain), "sub": strconv.FormatInt(grant.userID, 10), "aud": grant.clientID, "iat": iat.Unix(), "exp": exp.Unix()}
	if u := a.users[grant.userID]; u != nil {
		idClaims["email"], idClaims["name"] = u.Email, u.Name
	}
	if nonce != "" {
		idClaims["nonce"] = nonce
	}
	answer := map[string]any{
		"access_token": access, "id_token": e.signToken(idClaims), "scope": grant.scope,
		"token_type": "Bearer", "expires_in": int(e.opts.AccessTokenTTL.Seconds()),
	}
	if refresh != "" {
		answer["refresh_token"] = refresh
	}
	writeJSON(w, http.StatusOK, answer)
}

// revoke revokes a refresh token; access tokens already issued stay valid
// until they expire, as with Gorgias' stateless JWTs.
func (e *Emulator) revoke(w http.ResponseWriter, r *http.Request) {
	if !e.clientAuth(r) {
		oauthFail(w, http.StatusUnauthorized, "invalid_client", "client authentication failed")
		return
	}
	e.mu.Lock()
	if g, ok := e.grants[r.PostFormValue("token")]; ok {
		g.revoked = true
	}
	e.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{})
}

// RevokeApp revokes every refresh token of an account, as uninstalling the
// app in Gorgias does.
func (e *Emulator) RevokeApp(domain string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, g := range e.grants {
		if g.domain == domain {
			g.revoked = true
		}
	}
}

// issuer is the iss claim: the account's Gorgias address.
func issuer(domain string) string { return "https://" + domain + ".gorgias.com" }

// signToken makes an HS256 JWT.
func (e *Emulator) signToken(claims map[string]any) string {
	header := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	payload := base64.RawURLEncoding.EncodeToString(mustJSON(claims))
	mac := hmac.New(sha256.New, e.signKey)
	mac.Write([]byte(header + "." + payload))
	return header + "." + payload + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

type tokenClaims struct {
	Issuer  string `json:"iss"`
	Subject string `json:"sub"`
	Scope   string `json:"scope"`
	Expires int64  `json:"exp"`
}

func (t tokenClaims) userID() int64 {
	id, _ := strconv.ParseInt(t.Subject, 10, 64)
	return id
}

// verifyToken checks a bearer token's signature, expiry and account; the
// problem, if any, is the message of the 401.
func (e *Emulator) verifyToken(tok, domain string) (tokenClaims, string) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return tokenClaims{}, "Invalid token."
	}
	mac := hmac.New(sha256.New, e.signKey)
	mac.Write([]byte(parts[0] + "." + parts[1]))
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, mac.Sum(nil)) {
		return tokenClaims{}, "Invalid token."
	}
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var claims tokenClaims
	if json.Unmarshal(payload, &claims) != nil {
		return tokenClaims{}, "Invalid token."
	}
	if time.Now().Unix() >= claims.Expires {
		return tokenClaims{}, "Token expired."
	}
	if claims.Issuer != issuer(domain) {
		return tokenClaims{}, "Token issued for another account."
	}
	return claims, ""
}
