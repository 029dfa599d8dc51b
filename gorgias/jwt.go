package gorgias

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"
)

// jwtClaims are the access-token claims Deskmate reads. The token is not
// verified: it came straight from Gorgias over TLS, and Gorgias checks it
// on every call.
type jwtClaims struct {
	Issuer    string      `json:"iss"`
	Subject   json.Number `json:"sub"`
	Scope     string      `json:"scope"`
	ExpiresAt json.Number `json:"exp"`
	IssuedAt  json.Number `json:"iat"`
}

// parseJWTClaims decodes the payload of a JWT (header.payload.signature).
func parseJWTClaims(token string) (jwtClaims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return jwtClaims{}, errors.New("gorgias: not a JWT")
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return jwtClaims{}, errors.New("gorgias: JWT payload is not base64url")
	}
	var c jwtClaims
	if err := json.Unmarshal(payload, &c); err != nil {
		return jwtClaims{}, errors.New("gorgias: JWT payload is not JSON")
	}
	return c, nil
}

// UnmarshalJSON reads sub as a string or a number.
func (c *jwtClaims) UnmarshalJSON(b []byte) error {
	type plain jwtClaims
	var v struct {
		plain
		Subject any `json:"sub"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*c = jwtClaims(v.plain)
	switch s := v.Subject.(type) {
	case string:
		c.Subject = json.Number(s)
	case float64:
		c.Subject = json.Number(strconv.FormatFloat(s, 'f', -1, 64))
	}
	return nil
}

func (c jwtClaims) userID() int64 {
	id, _ := strconv.ParseInt(c.Subject.String(), 10, 64)
	return id
}

func (c jwtClaims) expiresAt() time.Time {
	s, err := c.ExpiresAt.Float64()
	if err != nil || s <= 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(s*float64(time.Second))).UTC()
}
