// Package account holds Deskmate's people and credentials: users and their
// passwords (argon2id), browser sessions with CSRF tokens, sign-in throttling,
// workspace roles and memberships, invitations and API tokens.
package account
