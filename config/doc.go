// Package config reads Deskmate's infrastructure configuration from the
// environment, once, into a typed struct. Settings that administrators change
// at run time (models, tags, instructions) live in the database instead.
package config
